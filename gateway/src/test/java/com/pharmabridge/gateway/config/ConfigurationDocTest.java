package com.pharmabridge.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md covers every key of the shipped defaults: its path, and the environment variable that sets
 * it, which the loader must accept.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    /** Verifies that each key of gateway-defaults.yaml has its row, with its environment variable. */
    @Test
    void everyKeyAndItsEnvironmentVariableIsDocumented() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        JsonNode defaults;
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/gateway-defaults.yaml")) {
            defaults = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        List<String> keys = new ArrayList<>();
        leaves(defaults, "", keys);
        assertThat(keys).hasSizeGreaterThan(60);
        List<String> missing = new ArrayList<>();
        for (String key : keys) {
            String documented = key.startsWith("jetStream.streams.") ? "jetStream.streams[i]." + key.substring(
                    key.indexOf('.', "jetStream.streams.".length()) + 1) : key;
            if (documented.startsWith("jetStream.streams[i].deny")) {
                documented = "jetStream.streams[i].denyDelete";
            }
            if (!doc.contains("`" + documented + "`") && !doc.contains("`" + documented + " ")) {
                missing.add(documented);
            }
            if (!key.startsWith("jetStream.streams.")) {
                String env = environmentName(key);
                if (!doc.contains("`" + env + "`") && !doc.contains("`" + env + " ")) {
                    missing.add(env + " (for " + key + ")");
                }
            }
        }
        assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
    }

    /** Verifies that the documented environment variables of the new sections are the ones the loader reads. */
    @Test
    void theDocumentedVariablesSetTheirKeys() {
        GatewayConfig config = ConfigLoader.load(null, Map.of("METRICS_JETSTREAM_POLL_SECONDS", "7",
                "UI_REFRESH_MILLIS", "250", "UI_REPLAY_HOURS", "0", "ADMIN_USER", "qa", "UI_RECENT_ALERTS", "9"));
        assertThat(config.metrics().jetStreamPollInterval().toSeconds()).isEqualTo(7);
        assertThat(config.ui().refreshInterval().toMillis()).isEqualTo(250);
        assertThat(config.ui().replay()).isZero();
        assertThat(config.ui().recentAlerts()).isEqualTo(9);
        assertThat(config.admin().user()).isEqualTo("qa");
        assertThat(config.admin().configured()).isFalse();
    }

    private static void leaves(JsonNode node, String path, List<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                leaves(value, child, out);
            } else if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
                leaves(value.get(0), child + ".0", out);
            } else {
                out.add(child);
            }
        }
    }

    /** gateway.maxMessageSize → GATEWAY_MAX_MESSAGE_SIZE, jetStream.x → JETSTREAM_X, as the documentation writes them. */
    private static String environmentName(String key) {
        return key.replace("jetStream", "jetstream").replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_')
                .toUpperCase();
    }
}

package com.pharmabridge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.pharmabridge.gateway.testing.GatewayFixture;
import com.pharmabridge.gateway.testing.NatsFixture;
import com.pharmabridge.gateway.testing.WsDevice;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deploy/ as shipped: Prometheus' configuration and alert rules pass promtool (Debian's prometheus package), every
 * alert has a unit test that makes it fire, every PromQL query of the rules and both Grafana dashboards parses and
 * names only metrics a running gateway exposes (or the few Prometheus and node exporter ones), the dashboards' data
 * sources are the provisioned ones, the compose file mounts files that exist, the NATS configuration is valid and the
 * systemd units verify.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Metrics of other exporters the rules and dashboards may name. */
    private static final Set<String> EXTERNAL = Set.of("up", "node_filesystem_avail_bytes", "node_filesystem_size_bytes");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "le");
    private static NatsFixture nats;
    private static GatewayFixture gateway;
    private static Set<String> exposed;

    @BeforeAll
    static void start() throws Exception {
        requireTool("/usr/bin/promtool", "scripts/ensure-prometheus-tools.sh");
        nats = NatsFixture.start();
        gateway = new GatewayFixture(nats.url())
                .with("METRICS_JETSTREAM_POLL_SECONDS", "1")
                .device("deploy-sealer-1", "sealer", "line1")
                .start();
        // An application's durable consumer (as the historian keeps), so its lag series exists.
        nats.observer().jetStreamManagement().addOrUpdateConsumer("TELEMETRY", ConsumerConfiguration.builder()
                .durable("historian").ackPolicy(AckPolicy.Explicit).build());
        try (WsDevice device = gateway.connect("deploy-sealer-1")) {
            device.send("{\"type\":0,\"subject\":\"telemetry.line1.temperature\",\"payload\":{\"value\":1},"
                    + "\"correlationId\":\"d-1\"}");
            device.awaitCorrelation("d-1");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> scrape().contains("gateway_jetstream_consumer_pending{"));
        exposed = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(line);
            if (m.find()) {
                exposed.add(m.group(1));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        GatewayFixture.closeAll(gateway, nats);
    }

    /** Verifies that promtool accepts the scrape configuration and the rules, and the rules' unit tests pass. */
    @Test
    void promtoolChecksTheConfigurationAndRulesAndRunsTheirTests() throws Exception {
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "check", "config", "prometheus.yml")).isEmpty();
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "check", "rules", "alerts.yml")).isEmpty();
        assertThat(run(DEPLOY.resolve("prometheus"), "promtool", "test", "rules", "alerts.test.yml")).isEmpty();
    }

    /** Verifies that each alert has a unit test in which it fires. */
    @Test
    void everyAlertHasATestInWhichItFires() throws Exception {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).path("groups")) {
            group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText()));
        }
        Set<String> firing = new TreeSet<>();
        for (JsonNode test : YAML.readTree(DEPLOY.resolve("prometheus/alerts.test.yml").toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                if (!check.path("exp_alerts").isEmpty()) {
                    firing.add(check.path("alertname").asText());
                }
            }
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(20);
        assertThat(firing).containsAll(alerts);
    }

    /** Verifies that the rules name only metrics a gateway exposes (or Prometheus' and the node exporter's). */
    @Test
    void alertRulesNameMetricsThatExist() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(DEPLOY.resolve("prometheus/alerts.yml").toFile()).path("groups")) {
            group.path("rules").forEach(rule -> queries.put(rule.path("alert").asText(), rule.path("expr").asText()));
        }
        assertNamesExist(queries);
    }

    /** Verifies that both dashboards are JSON whose every query parses and names metrics that exist. */
    @Test
    void dashboardsQueryMetricsThatExist() throws Exception {
        Set<String> provisioned = new TreeSet<>();
        YAML.readTree(DEPLOY.resolve("grafana/provisioning/datasources/pharmabridge.yml").toFile())
                .path("datasources").forEach(d -> provisioned.add(d.path("uid").asText()));
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).extracting(p -> p.getFileName().toString())
                .contains("gateway-overview.json", "line-view.json");
        Map<String, String> promQueries = new LinkedHashMap<>();
        int logQueries = 0;
        for (Path file : dashboards) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertThat(dashboard.path("uid").asText()).isNotEmpty();
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String uid = target.path("datasource").path("uid").asText(panel.path("datasource").path("uid").asText());
                    assertThat(provisioned).as("data source of %s", panel.path("title").asText()).contains(uid);
                    String expr = target.path("expr").asText();
                    assertThat(expr).as("query of %s", panel.path("title").asText()).isNotBlank();
                    if (uid.equals("prometheus")) {
                        promQueries.put(file.getFileName() + ": " + panel.path("title").asText() + " "
                                + target.path("refId").asText(), expr);
                    } else {
                        assertThat(expr).startsWith("{job=\"pharmabridge-gateway\"}");
                        logQueries++;
                    }
                }
            }
        }
        assertThat(promQueries).hasSizeGreaterThan(30);
        assertThat(logQueries).isGreaterThanOrEqualTo(2);
        assertNamesExist(promQueries);
        // promtool parses each query, as a recording rule with Grafana's variables given values.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (String expr : promQueries.values()) {
            String concrete = expr.replace("$__rate_interval", "5m").replace("$instance", ".*");
            rules.append("      - record: dashboard_query_").append(n++).append("\n        expr: ")
                    .append(JSON.writeValueAsString(concrete)).append('\n');
        }
        Path file = Files.createTempFile("dashboard-queries-", ".yml");
        Files.writeString(file, rules);
        assertThat(run(file.getParent(), "promtool", "check", "rules", file.getFileName().toString())).isEmpty();
        Files.deleteIfExists(file);
    }

    /** Verifies the rest of deploy/: YAML that parses, compose mounts that exist, NATS config, systemd units. */
    @Test
    void theOtherDeployFilesAreValid() throws Exception {
        for (String yaml : List.of("loki/loki.yml", "promtail/promtail.yml", "alertmanager/alertmanager.yml",
                "grafana/provisioning/dashboards/pharmabridge.yml", "compose.yaml")) {
            assertThat(YAML.readTree(DEPLOY.resolve(yaml).toFile()).isObject()).as(yaml).isTrue();
        }
        JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
        assertThat(compose.path("services").has("prometheus")).isTrue();
        for (String service : List.of("prometheus", "alertmanager", "grafana", "loki", "promtail")) {
            for (JsonNode volume : compose.path("services").path(service).path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(DEPLOY.resolve(source)).as("%s mounts %s", service, source).exists();
                }
            }
        }
        JsonNode promtail = YAML.readTree(DEPLOY.resolve("promtail/promtail.yml").toFile());
        assertThat(promtail.toString()).contains("pharmabridge-gateway", "UnixMs");
        String natsServer = Files.isExecutable(Path.of("/usr/sbin/nats-server")) ? "/usr/sbin/nats-server" : "nats-server";
        assertThat(run(DEPLOY, natsServer, "-c", "nats/nats-server.conf", "-t")).isEmpty();
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            try (Stream<Path> units = Files.list(DEPLOY.resolve("systemd"))) {
                for (Path unit : units.filter(p -> p.toString().endsWith(".service")).toList()) {
                    assertThat(run(DEPLOY, "systemd-analyze", "verify", "systemd/" + unit.getFileName()))
                            .as(unit.toString()).isEmpty();
                }
            }
        }
    }

    /** Verifies the name extraction the checks above rely on. */
    @Test
    void metricNamesAreFoundInAQuery() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, instance) (rate(foo_bucket{a=\"b or c\"}"
                + "[$__rate_interval]))) > 0.5 and on (instance) bar_total == 0 or max_over_time(baz[10m]) * 60"))
                .containsExactlyInAnyOrder("foo_bucket", "bar_total", "baz");
    }

    private static void assertNamesExist(Map<String, String> queries) {
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, expr) -> {
            Set<String> names = metricNames(expr);
            assertThat(names).as("metrics in %s", where).isNotEmpty();
            for (String name : names) {
                if (!exposed.contains(name) && !EXTERNAL.contains(name)) {
                    unknown.add(where + ": " + name);
                }
            }
        });
        assertThat(unknown).as("queries naming metrics no gateway exposes").isEmpty();
    }

    /** The metric names a PromQL expression selects: identifiers outside strings, label matchers and ranges. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static String scrape() throws Exception {
        return gateway.http("/metrics").body();
    }

    /** @return "" when the command succeeded, else its exit code and output */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out: " + String.join(" ", command);
        }
        return process.exitValue() == 0 ? "" : "exit " + process.exitValue() + " of " + String.join(" ", command)
                + ":\n" + output;
    }

    private static void requireTool(String path, String installer) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is needed for this test: run " + installer);
        }
    }
}

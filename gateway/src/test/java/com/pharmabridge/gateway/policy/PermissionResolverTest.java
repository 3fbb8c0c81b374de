package com.pharmabridge.gateway.policy;

import com.pharmabridge.gateway.registry.DeviceRecord;
import com.pharmabridge.gateway.registry.DeviceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Resolution of a device type's templates and the device's extras into concrete permissions. */
class PermissionResolverTest {
    private static final Map<String, String> LINE1 = Map.of("line", "line1", "plant", "chicago");

    private static DeviceRecord device(String id, String type, Map<String, String> attributes,
                                       List<String> publish, List<String> subscribe, List<String> deny) {
        return new DeviceRecord(id, type, attributes, "sha256$x$y", publish, subscribe, deny, false, null);
    }

    private static DeviceRecord device(Map<String, String> attributes) {
        return device("sealer-1", "sealer", attributes, List.of(), List.of(), List.of());
    }

    private static DeviceType type(List<String> publish, List<String> subscribe, List<String> deny) {
        return new DeviceType("sealer", publish, subscribe, deny);
    }

    @Test
    void verifiesThatDeviceIdLinePlantAndTypeVariablesAreResolved() {
        Permissions p = PermissionResolver.resolve(device(LINE1), type(
                List.of("telemetry.${line}.${deviceId}.>", "${plant}.${type}.status"),
                List.of("commands.${line}.${deviceId}.*"),
                List.of("commands.${line}.${deviceId}.secret")));
        assertThat(p.publish()).containsExactly("telemetry.line1.sealer-1.>", "chicago.sealer.status");
        assertThat(p.subscribe()).containsExactly("commands.line1.sealer-1.*");
        assertThat(p.deny()).containsExactly("commands.line1.sealer-1.secret");
        assertThat(p.canPublish("telemetry.line1.sealer-1.temperature")).isTrue();
        assertThat(p.canPublish("telemetry.line2.sealer-1.temperature")).isFalse();
    }

    @Test
    void verifiesThatTheDevicesOwnExtrasAreAddedToItsTypesTemplatesWithoutDuplicates() {
        DeviceRecord d = device("sealer-1", "sealer", LINE1,
                List.of("quality.${line}.${deviceId}", "telemetry.${line}.${deviceId}.>"),
                List.of("batch.${line}.>"),
                List.of("batch.${line}.secret"));
        Permissions p = PermissionResolver.resolve(d, type(
                List.of("telemetry.${line}.${deviceId}.>"), List.of("commands.${line}.*"), List.of()));
        assertThat(p.publish()).containsExactly("telemetry.line1.sealer-1.>", "quality.line1.sealer-1");
        assertThat(p.subscribe()).containsExactly("commands.line1.*", "batch.line1.>");
        assertThat(p.deny()).containsExactly("batch.line1.secret");
    }

    @Test
    void verifiesThatADeviceWhoseTypeIsMissingGetsOnlyItsOwnExtras() {
        DeviceRecord d = device("sealer-1", "sealer", LINE1, List.of("a.${line}"), List.of(), List.of());
        Permissions p = PermissionResolver.resolve(d, null);
        assertThat(p.publish()).containsExactly("a.line1");
        assertThat(p.subscribe()).isEmpty();
        assertThat(p.deny()).isEmpty();
    }

    @Test
    void verifiesThatAnAttributeAcrossTokensGrantsNothing() {
        Permissions p = PermissionResolver.resolve(device(Map.of("line", "a.>")), type(
                List.of("telemetry.${line}.x", "events.fixed"),
                List.of("commands.${line}"),
                List.of()));
        assertThat(p.publish()).containsExactly("events.fixed");
        assertThat(p.subscribe()).isEmpty();
        assertThat(p.canPublish("telemetry.a.b.x")).isFalse();
        assertThat(p.canPublish("telemetry.a.x")).isFalse();
    }

    @Test
    void verifiesThatAttributeValuesThatAreNotAPlainTokenGrantNothing() {
        for (String value : new String[] {"a.b", ">", "*", "", "a b", "a>", "x.*"}) {
            Permissions p = PermissionResolver.resolve(device(Map.of("line", value)),
                    type(List.of("telemetry.${line}.>"), List.of("commands.${line}.>"), List.of()));
            assertThat(p.publish()).as("line=%s", value).isEmpty();
            assertThat(p.subscribe()).as("line=%s", value).isEmpty();
        }
    }

    @Test
    void verifiesThatAnUnknownVariableGrantsNothing() {
        Permissions p = PermissionResolver.resolve(device(LINE1),
                type(List.of("telemetry.${cell}.>", "telemetry.${line}.>"), List.of("${zone}.>"), List.of()));
        assertThat(p.publish()).containsExactly("telemetry.line1.>");
        assertThat(p.subscribe()).isEmpty();
    }

    @Test
    void verifiesThatAnUnresolvableDenyBecomesDenyEverything() {
        Permissions p = PermissionResolver.resolve(device(Map.of("line", "a.>")), type(
                List.of("telemetry.>"), List.of("commands.>"), List.of("commands.${line}.secret")));
        assertThat(p.deny()).containsExactly(">");
        assertThat(p.canPublish("telemetry.x")).isFalse();
        assertThat(p.canSubscribe("commands.x")).isFalse();
    }

    @Test
    void verifiesThatADenyWithAnUnknownVariableInTheDevicesExtrasBecomesDenyEverything() {
        DeviceRecord d = device("sealer-1", "sealer", LINE1, List.of(), List.of(), List.of("x.${nope}", "y.${nope}"));
        Permissions p = PermissionResolver.resolve(d, type(List.of("telemetry.>"), List.of(), List.of()));
        assertThat(p.deny()).containsExactly(">");
        assertThat(p.canPublish("telemetry.x")).isFalse();
    }

    @Test
    void verifiesThatAnAttributeCannotReplaceTheDeviceIdOrTypeVariables() {
        DeviceRecord d = device("sealer-1", "sealer", Map.of("deviceId", "other", "type", "admin"),
                List.of(), List.of(), List.of());
        Permissions p = PermissionResolver.resolve(d, type(List.of("t.${deviceId}.${type}"), List.of(), List.of()));
        assertThat(p.publish()).containsExactly("t.sealer-1.sealer");
    }

    @Test
    void verifiesThatAVariableValueWithRegexReplacementCharactersIsNotInterpreted() {
        // '$' and '\' are special to Matcher.appendReplacement; they are not plain tokens, so nothing is granted.
        for (String value : new String[] {"$1", "a\\b", "${line}"}) {
            Permissions p = PermissionResolver.resolve(device(Map.of("line", value)),
                    type(List.of("t.${line}"), List.of(), List.of()));
            assertThat(p.publish()).as("line=%s", value).isEmpty();
        }
    }

    @Test
    void verifiesThatDenyWinsOverAResolvedPublishGrant() {
        Permissions p = PermissionResolver.resolve(device(LINE1), type(
                List.of("commands.${line}.>"), List.of(), List.of("commands.*.secret")));
        assertThat(p.canPublish("commands.line1.start")).isTrue();
        assertThat(p.canPublish("commands.line1.secret")).isFalse();
    }
}

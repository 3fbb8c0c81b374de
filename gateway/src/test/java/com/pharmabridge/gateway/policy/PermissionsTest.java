package com.pharmabridge.gateway.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Publish and subscribe decisions on already-resolved permissions. */
class PermissionsTest {

    private static Permissions publish(List<String> grants, List<String> deny) {
        return new Permissions(grants, List.of(), deny);
    }

    private static Permissions subscribe(List<String> grants, List<String> deny) {
        return new Permissions(List.of(), grants, deny);
    }

    @Test
    void verifiesThatPublishIsAllowedOnlyUnderAGrant() {
        Permissions p = publish(List.of("telemetry.line1.sealer-1.>", "events.line1.*"), List.of());
        assertThat(p.canPublish("telemetry.line1.sealer-1.temperature")).isTrue();
        assertThat(p.canPublish("telemetry.line1.sealer-1.a.b.c")).isTrue();
        assertThat(p.canPublish("events.line1.started")).isTrue();
        assertThat(p.canPublish("telemetry.line1.sealer-1")).as("'>' needs at least one more token").isFalse();
        assertThat(p.canPublish("telemetry.line1.sealer-2.temperature")).isFalse();
        assertThat(p.canPublish("events.line1.a.b")).as("'*' is exactly one token").isFalse();
        assertThat(p.canPublish("events.line2.started")).isFalse();
    }

    @Test
    void verifiesThatDenyWinsOverAllowForPublish() {
        Permissions p = publish(List.of("commands.>"), List.of("commands.*.secret"));
        assertThat(p.canPublish("commands.line1.start")).isTrue();
        assertThat(p.canPublish("commands.line1.secret")).isFalse();
        assertThat(publish(List.of("a.b"), List.of("a.b")).canPublish("a.b")).isFalse();
        assertThat(publish(List.of(">"), List.of(">")).canPublish("anything.at.all")).isFalse();
    }

    @Test
    void verifiesThatNoGrantMeansNoPublish() {
        assertThat(publish(List.of(), List.of()).canPublish("telemetry.x")).isFalse();
    }

    @Test
    void verifiesThatPublishToSystemSubjectsAndInboxesIsRefusedEvenUnderAFullGrant() {
        Permissions p = publish(List.of(">"), List.of());
        assertThat(p.canPublish("telemetry.x")).isTrue();
        assertThat(p.canPublish("$SYS.x")).isFalse();
        assertThat(p.canPublish("$JS.API.STREAM.DELETE.ALERTS")).isFalse();
        assertThat(p.canPublish("$KV.devices.sealer-1")).isFalse();
        assertThat(p.canPublish("_INBOX.abc")).isFalse();
        assertThat(p.canPublish("_INBOX")).isFalse();
    }

    @Test
    void verifiesThatASingleTokenWildcardGrantCoversOneTokenRequestsButNotDeeperOnes() {
        Permissions p = subscribe(List.of("x.*"), List.of());
        assertThat(p.canSubscribe("x.a")).isTrue();
        assertThat(p.canSubscribe("x.*")).isTrue();
        assertThat(p.canSubscribe("x.>")).isFalse();
        assertThat(p.canSubscribe("x.a.b")).isFalse();
        assertThat(p.canSubscribe("x")).isFalse();
        assertThat(p.canSubscribe("y.a")).isFalse();
    }

    @Test
    void verifiesThatAWildcardRequestWiderThanTheGrantIsRefused() {
        Permissions p = subscribe(List.of("commands.line1.*"), List.of());
        assertThat(p.canSubscribe("commands.line1.start")).isTrue();
        assertThat(p.canSubscribe("commands.line1.*")).isTrue();
        assertThat(p.canSubscribe("commands.>")).isFalse();
        assertThat(p.canSubscribe("commands.*.start")).isFalse();
        assertThat(p.canSubscribe("commands.line1.>")).isFalse();
    }

    @Test
    void verifiesThatAFullWildcardGrantCoversDeeperRequests() {
        Permissions p = subscribe(List.of("batch.line1.>"), List.of());
        assertThat(p.canSubscribe("batch.line1.>")).isTrue();
        assertThat(p.canSubscribe("batch.line1.*.started")).isTrue();
        assertThat(p.canSubscribe("batch.line1.b1.started")).isTrue();
        assertThat(p.canSubscribe("batch.line1")).isFalse();
        assertThat(p.canSubscribe("batch.>")).isFalse();
    }

    @Test
    void verifiesThatASubscriptionThatCouldReceiveADeniedSubjectIsRefused() {
        Permissions p = subscribe(List.of("commands.>"), List.of("commands.*.secret"));
        assertThat(p.canSubscribe("commands.line1.*")).as("could receive commands.line1.secret").isFalse();
        assertThat(p.canSubscribe("commands.line1.>")).isFalse();
        assertThat(p.canSubscribe("commands.line1.secret")).isFalse();
        assertThat(p.canSubscribe("commands.line1.start")).isTrue();
        assertThat(p.canSubscribe("commands.line1.start.>")).isTrue();
    }

    @Test
    void verifiesThatSystemSubjectsAndInboxesCannotBeSubscribedEvenUnderAFullGrant() {
        Permissions p = subscribe(List.of(">"), List.of());
        assertThat(p.canSubscribe("telemetry.>")).isTrue();
        assertThat(p.canSubscribe("$JS.API.>")).isFalse();
        assertThat(p.canSubscribe("$SYS.>")).isFalse();
        assertThat(p.canSubscribe("_INBOX.x")).isFalse();
        assertThat(p.canSubscribe("_INBOX.>")).isFalse();
        assertThat(p.canSubscribe("_INBOX")).isFalse();
    }

    @Test
    void verifiesThatARequestStartingWithAWildcardIsAlwaysRefused() {
        Permissions p = subscribe(List.of(">"), List.of());
        assertThat(p.canSubscribe(">")).isFalse();
        assertThat(p.canSubscribe("*")).isFalse();
        assertThat(p.canSubscribe("*.a")).isFalse();
        assertThat(p.canSubscribe("*.>")).isFalse();
    }

    @Test
    void verifiesThatTheListsAreImmutableCopies() {
        java.util.List<String> grants = new java.util.ArrayList<>(List.of("a.>"));
        Permissions p = publish(grants, List.of());
        grants.add(">");
        assertThat(p.publish()).containsExactly("a.>");
        assertThat(p.canPublish("b.c")).isFalse();
    }
}

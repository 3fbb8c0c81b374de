package com.pharmabridge.historian.cli;

import com.pharmabridge.historian.HistorianConfig;
import com.pharmabridge.historian.store.RecordTable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HistorianCliTest {

    private static HistorianCli.Run parse(String... args) {
        HistorianCli.Run run = new HistorianCli.Run();
        new CommandLine(run).parseArgs(args);
        return run;
    }

    @Test
    void defaultsWithoutOptions() {
        HistorianCli.Run run = parse();
        HistorianConfig config = run.config();
        assertThat(run.database.dbUrl).isNull();
        assertThat(run.database.data.toString()).isEqualTo(System.getenv().getOrDefault("HISTORIAN_DATA", "data/historian"));
        assertThat(config.tables()).containsExactly(RecordTable.values());
        assertThat(config.durable()).isEqualTo("historian");
        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(config.ackWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.retention().batchRetention()).isEqualTo("6 years");
        assertThat(config.retention().keep()).isEmpty();
        assertThat(config.retentionEvery()).isEqualTo(Duration.ofHours(1));
        if (System.getenv("HISTORIAN_NATS_URL") == null && System.getenv("NATS_URL") == null) {
            assertThat(config.natsUrl()).isEqualTo("nats://127.0.0.1:4222");
        }
    }

    @Test
    void optionsOverDefaults() {
        HistorianConfig config = parse("--nats-url", "nats://nats:4222", "--streams", "telemetry,BATCHES,batch_events",
                "--retain", "telemetry=90d,events=2y", "--batch-retention", "10y", "--ack-wait", "45s",
                "--batch-size", "100", "--retention-every", "15m", "--durable", "historian-site2").config();
        assertThat(config.natsUrl()).isEqualTo("nats://nats:4222");
        assertThat(config.tables()).containsExactly(RecordTable.TELEMETRY, RecordTable.BATCHES);
        assertThat(config.retention().keep(RecordTable.TELEMETRY)).isEqualTo("90 days");
        assertThat(config.retention().keep(RecordTable.EVENTS)).isEqualTo("2 years");
        assertThat(config.retention().keep(RecordTable.AUDIT)).isNull();
        assertThat(config.retention().batchRetention()).isEqualTo("10 years");
        assertThat(config.ackWait()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.batchSize()).isEqualTo(100);
        assertThat(config.retentionEvery()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.durable()).isEqualTo("historian-site2");
    }
}

package com.pharmabridge.gateway.bridge;

import com.pharmabridge.gateway.config.GatewayConfig.StreamSpec;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates the declared streams that are missing and adds declared subjects to existing ones. It never deletes a
 * stream and never shortens retention on its own: a live stream whose retention or protection differs from the
 * declaration is reported as drift for an operator to decide.
 */
public final class StreamProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(StreamProvisioner.class);
    private static final int STREAM_NOT_FOUND = 10059;

    private StreamProvisioner() {
    }

    /** @return one line per difference between a live stream and its declaration (empty when none) */
    public static List<String> provision(JetStreamManagement jsm, List<StreamSpec> specs)
            throws IOException, JetStreamApiException {
        List<String> drift = new ArrayList<>();
        for (StreamSpec spec : specs) {
            StreamInfo info = existing(jsm, spec.name());
            if (info == null) {
                jsm.addStream(toConfiguration(spec, List.of()));
                // nats-server 2.9 may adjust or ignore settings it does not know: read back what it really stored.
                StreamConfiguration stored = jsm.getStreamInfo(spec.name()).getConfiguration();
                LOG.info("Created stream {} for {} (max age {}, deny delete {}, deny purge {})", spec.name(),
                        stored.getSubjects(), stored.getMaxAge(), stored.getDenyDelete(), stored.getDenyPurge());
                drift.addAll(compare(spec, stored));
                continue;
            }
            StreamConfiguration live = info.getConfiguration();
            if (!live.getSubjects().containsAll(spec.subjects())) {
                jsm.updateStream(toConfiguration(spec, live.getSubjects(), live));
                LOG.info("Added subjects {} to stream {}", spec.subjects(), spec.name());
                live = jsm.getStreamInfo(spec.name()).getConfiguration();
            }
            drift.addAll(compare(spec, live));
        }
        drift.forEach(d -> LOG.warn("Stream drift: {}", d));
        return drift;
    }

    private static StreamInfo existing(JetStreamManagement jsm, String name) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND || e.getErrorCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    static List<String> compare(StreamSpec spec, StreamConfiguration live) {
        List<String> drift = new ArrayList<>();
        if (!live.getMaxAge().equals(spec.maxAge())) {
            drift.add(spec.name() + ": max age is " + live.getMaxAge() + ", declared " + spec.maxAge());
        }
        if (live.getDenyDelete() != spec.denyDelete()) {
            drift.add(spec.name() + ": deny delete is " + live.getDenyDelete() + ", declared " + spec.denyDelete());
        }
        if (live.getDenyPurge() != spec.denyPurge()) {
            drift.add(spec.name() + ": deny purge is " + live.getDenyPurge() + ", declared " + spec.denyPurge());
        }
        StorageType storage = storage(spec);
        if (live.getStorageType() != storage) {
            drift.add(spec.name() + ": storage is " + live.getStorageType() + ", declared " + storage);
        }
        return drift;
    }

    private static StreamConfiguration toConfiguration(StreamSpec spec, List<String> extraSubjects) {
        return toConfiguration(spec, extraSubjects, null);
    }

    /** With {@code live} given, its retention and protection are kept: only the subject list grows. */
    private static StreamConfiguration toConfiguration(StreamSpec spec, List<String> extraSubjects,
                                                       StreamConfiguration live) {
        Set<String> subjects = new LinkedHashSet<>(extraSubjects);
        subjects.addAll(spec.subjects());
        if (live != null) {
            return StreamConfiguration.builder(live).subjects(subjects).build();
        }
        return StreamConfiguration.builder()
                .name(spec.name())
                .subjects(subjects)
                .maxAge(spec.maxAge())
                .storageType(storage(spec))
                .replicas(spec.replicas())
                .maxBytes(spec.maxBytes())
                .duplicateWindow(spec.duplicateWindow())
                .denyDelete(spec.denyDelete())
                .denyPurge(spec.denyPurge())
                .build();
    }

    private static StorageType storage(StreamSpec spec) {
        return spec.storage().equals("memory") ? StorageType.Memory : StorageType.File;
    }
}

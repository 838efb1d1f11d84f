package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.offlineworkerreaper.alluxio.Finding;
import io.offlineworkerreaper.notify.Notice;
import io.offlineworkerreaper.notify.NoticeWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports what {@code alluxio.RegistryFindings} finds misconfigured. Each finding is announced once (WARN log,
 * notice, metric), and again when it clears; registrations that match no pod, normal on long-lived clusters, are
 * only counted (INFO log, metric) and listed at debug. The registry is looked at in every cycle that has NotReady
 * nodes, and every {@code reaper.alluxio.audit-interval} otherwise ({@link #due}), so that a wrong setting is
 * reported before the first crash.
 */
public final class RegistryAudit {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryAudit.class);

    private final Duration interval;
    private final Clock clock;
    private final NoticeWriter notices;
    private final ReaperMetrics metrics;
    private final Map<String, Finding> announced = new LinkedHashMap<>();
    private Instant lastReview;

    public RegistryAudit(Duration interval, Clock clock, NoticeWriter notices, ReaperMetrics metrics) {
        this.interval = interval;
        this.clock = clock;
        this.notices = notices;
        this.metrics = metrics;
    }

    /** Whether a cycle without NotReady nodes should look at the registry now. */
    public synchronized boolean due() {
        return lastReview == null || !clock.instant().isBefore(lastReview.plus(interval));
    }

    /** Records this look's findings and returns the notices to send: one per new finding, one per finding that cleared. */
    public synchronized List<Notice> review(List<Finding> findings) {
        lastReview = clock.instant();
        Map<Finding.Kind, Integer> counts = new EnumMap<>(Finding.Kind.class);
        findings.forEach(f -> counts.put(f.kind(), f.details().size()));
        metrics.findings(counts);
        List<Notice> out = new ArrayList<>();
        Map<String, Finding> current = new LinkedHashMap<>();
        for (Finding finding : findings) {
            current.put(finding.identity(), finding);
            if (finding.kind() == Finding.Kind.UNMATCHED_REGISTRATIONS) {
                LOG.debug("Registrations that match no worker pod: {}", finding.details());
            }
            if (announced.containsKey(finding.identity())) {
                continue;
            }
            if (finding.kind() == Finding.Kind.UNMATCHED_REGISTRATIONS) {
                // normal on long-lived clusters (identities live on the nodes' disks): counted, not alerted
                LOG.info("{}: {}", finding.summary(), finding.fix());
            } else {
                LOG.warn("{} ({}): {}", finding.summary(), finding.setting(), finding.fix());
                out.add(notices.finding(finding));
            }
        }
        Set<Finding.Kind> present = findings.stream().map(Finding::kind).collect(Collectors.toSet());
        for (Finding gone : announced.values()) {
            if (!current.containsKey(gone.identity()) && !present.contains(gone.kind())
                    && gone.kind() != Finding.Kind.UNMATCHED_REGISTRATIONS) {
                LOG.info("Cleared: {}", gone.summary());
                out.add(notices.findingCleared(gone));
            }
        }
        announced.clear();
        announced.putAll(current);
        return out;
    }
}

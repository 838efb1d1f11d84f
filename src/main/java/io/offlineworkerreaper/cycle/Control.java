package io.offlineworkerreaper.cycle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.decision.RemovalBudget;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.notify.Announcements;
import io.offlineworkerreaper.notify.Notice;
import io.offlineworkerreaper.observe.ReaperMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the control ConfigMap at the start of every cycle (bean {@code control}): the pause, which
 * {@link RunMode} then applies to every destructive step, and the hourly removal window, which this class also
 * writes back after each removal or action. A missing ConfigMap means not paused, with the window kept in
 * memory only. A failed read keeps the pause as it was last read (a paused reaper stays paused); a 401 or 403,
 * which no retry mends, is announced once.
 */
public final class Control {

    /** Epoch seconds of the removals and actions of the last hour, comma-separated. */
    public static final String REMOVALS = "offline-worker-reaper/removals";

    private static final Logger LOG = LoggerFactory.getLogger(Control.class);

    private final KubernetesClient client;
    private final ControlSettings settings;
    private final RunMode runMode;
    private final int maxPerHour;
    private final Announcements announcements;
    private final ReaperMetrics metrics;
    private final Clock clock;
    private List<Instant> removals = new ArrayList<>();
    private boolean configMapExists;

    private volatile ControlWatch watch;

    public Control(KubernetesClient client, ControlSettings settings, RunMode runMode, int maxPerHour,
                   Announcements announcements, ReaperMetrics metrics, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.runMode = runMode;
        this.maxPerHour = maxPerHour;
        this.announcements = announcements;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Watch mode: read the ConfigMap from this watch's copy while it is watching (no request per cycle), from the
     * API server otherwise.
     */
    public void useWatch(ControlWatch watch) {
        this.watch = watch;
    }

    /** Reads the ConfigMap; returns the notice of a pause, a resume or a read failure, or null. */
    public synchronized Notice refresh() {
        Instant now = clock.instant();
        Pause before = runMode.pause();
        Pause pause;
        ConfigMap map;
        try {
            ControlWatch copy = watch;
            map = copy != null && copy.isWatching() ? copy.current()
                    : client.configMaps().inNamespace(settings.namespace()).withName(settings.name()).get();
        } catch (KubernetesClientException e) {
            // the pause stays as last read: a paused reaper is never unpaused by a failed read
            LOG.warn("Cannot read the control ConfigMap {}: {} (pause state kept: {})", settings.text(), e.getMessage(),
                    before.active() ? "paused" : "not paused");
            boolean denied = e.getCode() == 401 || e.getCode() == 403;
            return denied && announcements.firstTime("control-unreadable") ? Notice.of(Notice.Kind.WARNING,
                    "Cannot read the control ConfigMap " + settings.text() + " (HTTP " + e.getCode() + "): pausing it "
                            + "has no effect", List.of(new Notice.Field("Setting", ControlSettings.CONFIGMAP)),
                    "Grant get on configmaps/" + settings.name() + " in namespace " + settings.namespace()
                            + " (deploy/kubernetes/role-control.yaml), or point " + ControlSettings.CONFIGMAP
                            + " at a ConfigMap the reaper can read.") : null;
        }
        configMapExists = map != null;
        if (map == null) {
            pause = Pause.NONE;
        } else {
            Map<String, String> annotations = map.getMetadata().getAnnotations();
            pause = Pause.from(annotations, map.getMetadata().getManagedFields(), now);
            if (annotations != null && annotations.containsKey(REMOVALS)) {
                removals = new ArrayList<>(RemovalBudget.inWindow(parse(annotations.get(REMOVALS)), now));
            }
        }
        runMode.pause(pause);
        metrics.paused(pause.active());
        metrics.removalsLeft(RemovalBudget.remaining(maxPerHour, removals, now));
        if (pause.active() && !before.active()) {
            LOG.warn("PAUSED by {}: {}: nothing will be deleted or changed", settings.text(), pause.text());
            List<Notice.Field> fields = new ArrayList<>(List.of(new Notice.Field("Reason", pause.reason()),
                    new Notice.Field("Set by", pause.setBy()),
                    new Notice.Field("Until", pause.until().map(Instant::toString).orElse("the annotation is removed"))));
            return Notice.of(Notice.Kind.WARNING, "Paused: " + pause.reason(), fields,
                    "Every removal and action is reported as 'would' until then. Resume: kubectl -n "
                            + settings.namespace() + " annotate configmap " + settings.name() + " " + Pause.PAUSED + "-"
                            + pause.note().map(n -> ". " + n).orElse(""));
        }
        if (!pause.active() && before.active()) {
            LOG.warn("Resumed: {} no longer pauses the reaper (was {})", settings.text(), before.text());
            return Notice.of(Notice.Kind.RECOVERED, "Resumed: removals and actions are carried out again",
                    List.of(new Notice.Field("Was paused for", before.reason())));
        }
        return null;
    }

    /** How many removals or actions the hourly budget still allows now. */
    public synchronized int remaining() {
        return RemovalBudget.remaining(maxPerHour, removals, clock.instant());
    }

    /** When the budget allows the next one, once it is spent. */
    public synchronized Instant nextAllowed() {
        return RemovalBudget.nextAllowed(removals, clock.instant());
    }

    public int maxPerHour() {
        return maxPerHour;
    }

    /** Counts a removal or an action done for real, in memory and on the ConfigMap. */
    public synchronized void record() {
        if (maxPerHour == 0) {
            return;
        }
        Instant now = clock.instant();
        removals = new ArrayList<>(RemovalBudget.inWindow(removals, now));
        removals.add(now);
        metrics.removalsLeft(RemovalBudget.remaining(maxPerHour, removals, now));
        if (!configMapExists) {
            return;
        }
        String value = removals.stream().map(t -> String.valueOf(t.getEpochSecond())).collect(Collectors.joining(","));
        try {
            client.configMaps().inNamespace(settings.namespace()).withName(settings.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"metadata\":{\"annotations\":{\"" + REMOVALS + "\":\"" + value + "\"}}}");
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot record the removal on the control ConfigMap {} (the hourly window is kept in memory): {}",
                    settings.text(), e.getMessage());
        }
    }

    static List<Instant> parse(String text) {
        List<Instant> times = new ArrayList<>();
        Arrays.stream(text.split(",")).map(String::trim).filter(t -> t.matches("\\d{1,12}"))
                .forEach(t -> times.add(Instant.ofEpochSecond(Long.parseLong(t))));
        return times;
    }
}

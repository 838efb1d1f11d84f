package io.offlineworkerreaper.cycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.decision.RemediationPlanner;
import io.offlineworkerreaper.decision.RemovalBudget;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.notify.Notice;
import io.offlineworkerreaper.observe.ReaperMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the control ConfigMap at the start of every cycle (bean {@code control}): the pause, which
 * {@link RunMode} then applies to every destructive step, the hourly removal window and the safety breaker's
 * state, both of which this class also writes back, so that a restart or a new leader neither resets the window
 * nor skips the breaker's cooldown. It is the only object the reaper may write: the ConfigMap and Secret its pod
 * reads its settings from are read-only to it (no RBAC at all). Every write is a merge patch of its own annotations
 * with a {@code resourceVersion} precondition: a change made meanwhile (an operator's pause) is read again and
 * never overwritten. Timestamps more than a minute in the future are ignored (clock skew, tampering); a removed
 * window annotation resets the window. A missing ConfigMap means not paused, with the window kept in memory only.
 * A failed read keeps the pause as it was last read (a paused reaper stays paused); a 401 or 403, which no retry
 * mends, is announced once.
 */
public final class Control implements SafetyGate.BreakerMemory, RemediationPlanner.Progress {

    /** Epoch seconds of the removals and actions of the last hour, comma-separated. */
    public static final String REMOVALS = "offline-worker-reaper/removals";
    /** Epoch seconds when the safety breaker opened; set while it is open, empty otherwise. */
    public static final String BREAKER_OPEN = "offline-worker-reaper/breaker-open-since";
    /** Epoch seconds when the safety breaker's count came back within the limit (its cooldown starts then). */
    public static final String BREAKER_CLOSED = "offline-worker-reaper/breaker-closed-at";
    /**
     * The removals whose worker keys are deleted and whose pod is not yet: {@code <pod uid>@<epoch seconds>},
     * comma-separated. Any replica finishes them; an entry older than {@link #PROGRESS_KEPT} is dropped.
     */
    public static final String KEYS_REMOVED = "offline-worker-reaper/keys-removed";
    static final Duration PROGRESS_KEPT = Duration.ofDays(1);
    /** How far in the future a recorded time may lie before it is ignored. */
    static final Duration SKEW = Duration.ofMinutes(1);
    private static final int PATCH_TRIES = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(Control.class);

    private final KubernetesClient client;
    private final ControlSettings settings;
    private final RunMode runMode;
    private final int maxPerHour;
    private final AnnouncementMemory announcements;
    private final ReaperMetrics metrics;
    private final Clock clock;
    private List<Instant> removals = new ArrayList<>();
    private Optional<Instant> breakerOpenSince = Optional.empty();
    private Optional<Instant> breakerClosedAt = Optional.empty();
    /** Pod uid -> when its worker's keys were deleted. */
    private Map<String, Instant> keysRemoved = new LinkedHashMap<>();
    private boolean configMapExists;
    /** The resourceVersion last read or written, the precondition of the next patch. */
    private String resourceVersion;
    /** The resourceVersion our last patch was made against: a copy still at it predates our write. */
    private String patchedFrom;

    private volatile ControlWatch watch;

    public Control(KubernetesClient client, ControlSettings settings, RunMode runMode, int maxPerHour,
                   AnnouncementMemory announcements, ReaperMetrics metrics, Clock clock) {
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
            map = copy != null && copy.isWatching() ? copy.current() : read();
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
            adopt(map, now);
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

    /**
     * Takes the window and the breaker's state from a copy of the ConfigMap, unless the copy predates this
     * process's own last write (a watch that has not caught up yet).
     */
    private void adopt(ConfigMap map, Instant now) {
        String version = map.getMetadata().getResourceVersion();
        if (version != null && version.equals(patchedFrom)) {
            return;
        }
        resourceVersion = version;
        Map<String, String> annotations = map.getMetadata().getAnnotations() == null ? Map.of()
                : map.getMetadata().getAnnotations();
        // an operator who removes the annotation resets the window
        removals = new ArrayList<>(RemovalBudget.inWindow(parse(annotations.getOrDefault(REMOVALS, ""), now), now));
        breakerOpenSince = time(annotations.get(BREAKER_OPEN), now);
        breakerClosedAt = time(annotations.get(BREAKER_CLOSED), now);
        keysRemoved = progress(annotations.getOrDefault(KEYS_REMOVED, ""), now);
    }

    @Override
    public synchronized boolean keysRemoved(String podUid) {
        return keysRemoved.containsKey(podUid);
    }

    @Override
    public synchronized void keysRemoved(io.offlineworkerreaper.kubernetes.WorkerPod pod) {
        Instant now = clock.instant();
        keysRemoved.put(pod.uid(), now);
        LOG.info("Removal of {} in progress: its worker's keys are deleted, its pod is next ({} on {})",
                pod.qualifiedName(), KEYS_REMOVED, settings.text());
        writeProgress("the keys of " + pod.qualifiedName(), map -> map.put(pod.uid(), now));
    }

    @Override
    public synchronized void finished(String podUid) {
        if (keysRemoved.remove(podUid) != null) {
            writeProgress("the end of a removal", map -> map.remove(podUid));
        }
    }

    /** Writes the progress; on a conflict, applies {@code change} again to what the other writer left. */
    private void writeProgress(String what, java.util.function.Consumer<Map<String, Instant>> change) {
        if (!configMapExists) {
            return;
        }
        write(what, () -> Map.of(KEYS_REMOVED, keysRemoved.entrySet().stream()
                .map(e -> e.getKey() + "@" + e.getValue().getEpochSecond()).collect(Collectors.joining(","))),
                fresh -> {
                    adopt(fresh, clock.instant());
                    change.accept(keysRemoved);
                });
    }

    /** {@code uid@epoch,...}; what cannot be read, lies ahead, or is older than {@link #PROGRESS_KEPT} is dropped. */
    static Map<String, Instant> progress(String text, Instant now) {
        Map<String, Instant> progress = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            int at = entry.lastIndexOf('@');
            if (at <= 0) {
                continue;
            }
            time(entry.substring(at + 1), now).filter(t -> t.isAfter(now.minus(PROGRESS_KEPT)))
                    .ifPresent(t -> progress.put(entry.substring(0, at).trim(), t));
        }
        return progress;
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
        if (configMapExists) {
            write("the removal", () -> {
                Map<String, String> annotations = new LinkedHashMap<>();
                annotations.put(REMOVALS, removals.stream().map(t -> String.valueOf(t.getEpochSecond()))
                        .collect(Collectors.joining(",")));
                return annotations;
            }, fresh -> {
                List<Instant> mine = removals;
                adopt(fresh, now);
                // the other writer's window, and this removal
                removals = new ArrayList<>(RemovalBudget.inWindow(removals, now));
                if (!removals.contains(now)) {
                    removals.add(now);
                }
                LOG.info("Control ConfigMap {} changed meanwhile: the window is taken from it ({} before, {} now)",
                        settings.text(), mine.size(), removals.size());
            });
        }
    }

    @Override
    public synchronized Optional<Instant> openSince() {
        readOnce();
        return breakerOpenSince;
    }

    @Override
    public synchronized Optional<Instant> closedAt() {
        readOnce();
        return breakerClosedAt;
    }

    /** The ConfigMap, if no cycle read it yet (--check asks the breaker's state without a cycle). */
    private void readOnce() {
        if (resourceVersion != null) {
            return;
        }
        try {
            ConfigMap map = read();
            configMapExists = map != null;
            if (map != null) {
                adopt(map, clock.instant());
            }
        } catch (KubernetesClientException e) {
            LOG.warn("Cannot read the safety breaker's state from the control ConfigMap {}: {}", settings.text(),
                    e.getMessage());
        }
    }

    @Override
    public synchronized void opened(Instant at) {
        breakerOpenSince = Optional.of(at);
        breakerClosedAt = Optional.empty();
        writeBreaker();
    }

    @Override
    public synchronized void closed(Instant at) {
        breakerOpenSince = Optional.empty();
        breakerClosedAt = Optional.of(at);
        writeBreaker();
    }

    private void writeBreaker() {
        if (!configMapExists) {
            return;
        }
        write("the safety breaker's state", () -> {
            Map<String, String> annotations = new LinkedHashMap<>();
            // "" rather than a merge patch's null: both mean none, and "" reads the same everywhere
            annotations.put(BREAKER_OPEN, breakerOpenSince.map(t -> String.valueOf(t.getEpochSecond())).orElse(""));
            annotations.put(BREAKER_CLOSED, breakerClosedAt.map(t -> String.valueOf(t.getEpochSecond())).orElse(""));
            return annotations;
        }, fresh -> {
            // keep this process's breaker state: it is what the nodes say now; take the rest (the window)
            Optional<Instant> open = breakerOpenSince;
            Optional<Instant> closed = breakerClosedAt;
            adopt(fresh, clock.instant());
            breakerOpenSince = open;
            breakerClosedAt = closed;
        });
    }

    /**
     * A merge patch of {@code annotations} made against the resourceVersion last read;
     * on 409 (changed meanwhile) the ConfigMap is read again, {@code reread} takes what changed, and the patch is
     * made again, at most {@link #PATCH_TRIES} times. A failure keeps the state in memory and is logged.
     */
    private void write(String what, java.util.function.Supplier<Map<String, String>> annotations,
                       java.util.function.Consumer<ConfigMap> reread) {
        for (int attempt = 1; attempt <= PATCH_TRIES; attempt++) {
            try {
                if (resourceVersion == null) {
                    ConfigMap fresh = read();
                    if (fresh == null) {
                        configMapExists = false;
                        return;
                    }
                    reread.accept(fresh);
                }
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("resourceVersion", resourceVersion);
                metadata.put("annotations", annotations.get());
                String patch = JSON.writeValueAsString(Map.of("metadata", metadata));
                String before = resourceVersion;
                ConfigMap written = client.configMaps().inNamespace(settings.namespace()).withName(settings.name())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                patchedFrom = before;
                resourceVersion = written == null ? null : written.getMetadata().getResourceVersion();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < PATCH_TRIES) {
                    resourceVersion = null; // read it again, then patch again
                    continue;
                }
                LOG.warn("Cannot record {} on the control ConfigMap {} (kept in memory): {}", what, settings.text(),
                        e.getMessage());
                return;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("Cannot write a patch as JSON", e);
            }
        }
    }

    private ConfigMap read() {
        return client.configMaps().inNamespace(settings.namespace()).withName(settings.name()).get();
    }

    /** Epoch seconds, comma-separated; what cannot be read, or lies more than {@link #SKEW} ahead, is ignored. */
    static List<Instant> parse(String text, Instant now) {
        List<Instant> times = new ArrayList<>();
        Arrays.stream(text.split(",")).map(t -> time(t, now)).flatMap(Optional::stream).forEach(times::add);
        return times;
    }

    private static Optional<Instant> time(String text, Instant now) {
        if (text == null || !text.trim().matches("\\d{1,12}")) {
            return Optional.empty();
        }
        Instant at = Instant.ofEpochSecond(Long.parseLong(text.trim()));
        if (at.isAfter(now.plus(SKEW))) {
            LOG.warn("Ignoring a time on the control ConfigMap more than {} in the future: {}", SKEW, at);
            return Optional.empty();
        }
        return Optional.of(at);
    }
}

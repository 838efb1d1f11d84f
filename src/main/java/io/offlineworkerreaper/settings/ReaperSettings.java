package io.offlineworkerreaper.settings;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.cycle.LeaderElectionSettings;
import io.offlineworkerreaper.decision.RemediationPlanner;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.LabelSelector;
import io.offlineworkerreaper.optin.OptInSettings;

/**
 * Every {@code reaper.*} setting, parsed and validated once at startup. A value that cannot be used stops
 * the application with an {@link InvalidSettingException} naming the key, before any route starts.
 *
 * @param checkInterval          time between two cycles
 * @param notReadyFor            how long a node's Ready condition must have been False/Unknown
 * @param workersNamespace       namespace of the worker pods
 * @param workersSelector        label selector of the worker pods, as key=value pairs
 * @param clusterName            Alluxio cluster name (alluxio.cluster.name)
 * @param requireLeaseExpired    act only once the worker's /ServiceDiscovery key is gone
 * @param unaccountedHeartbeats  refuse (or not) pods without a registration while a live heartbeat matches no pod
 * @param auditInterval          how often a cycle without NotReady nodes looks at the registry for findings
 * @param dryRun                 compute, log and notify, but delete nothing
 * @param etcdEndpoints          etcd client URLs
 * @param etcdTimeout            bound of every etcd call
 * @param etcdSecurity           etcd credentials and TLS files
 * @param nodesSelector          which nodes are considered at all
 * @param kubernetesTimeout      bound of every Kubernetes API request
 * @param safety                 the circuit breaker and the per-cycle cap
 * @param auditFile              where the JSON audit log goes, if anywhere
 * @param slack                  where notices go besides the log
 * @param kubernetesEvents       record a Kubernetes Event for every remediation and refusal
 * @param leaderElection         leader election among replicas
 * @param optIn                  the opt-in remediations: stuck Terminating pods, node actions, local volumes
 */
public record ReaperSettings(
        Duration checkInterval,
        Detection detection,
        Duration notReadyFor,
        String workersNamespace,
        Map<String, String> workersSelector,
        String clusterName,
        boolean requireLeaseExpired,
        RemediationPlanner.UnaccountedHeartbeats unaccountedHeartbeats,
        Duration auditInterval,
        boolean dryRun,
        List<URI> etcdEndpoints,
        Duration etcdTimeout,
        EtcdSecurity etcdSecurity,
        LabelSelector nodesSelector,
        Duration kubernetesTimeout,
        Safety safety,
        Optional<java.nio.file.Path> auditFile,
        SlackSettings slack,
        boolean kubernetesEvents,
        LeaderElectionSettings leaderElection,
        OptInSettings optIn) {

    public static final String CHECK_INTERVAL = "reaper.check-interval";
    public static final String DETECTION = "reaper.detection";
    public static final String NOT_READY_FOR = "reaper.nodes.not-ready-for";
    public static final String WORKERS_NAMESPACE = "reaper.workers.namespace";
    public static final String WORKERS_SELECTOR = "reaper.workers.selector";
    public static final String CLUSTER_NAME = "reaper.alluxio.cluster-name";
    public static final String REQUIRE_LEASE_EXPIRED = "reaper.alluxio.require-lease-expired";
    public static final String UNACCOUNTED_HEARTBEATS = "reaper.alluxio.unaccounted-heartbeats";
    public static final String AUDIT_INTERVAL = "reaper.alluxio.audit-interval";
    public static final String DRY_RUN = "reaper.dry-run";
    public static final String ETCD_ENDPOINTS = "reaper.etcd.endpoints";
    public static final String ETCD_TIMEOUT = "reaper.etcd.timeout";
    public static final String ETCD_USERNAME = "reaper.etcd.username";
    public static final String ETCD_PASSWORD = "reaper.etcd.password";
    public static final String ETCD_CA_FILE = "reaper.etcd.tls.ca-file";
    public static final String ETCD_CERT_FILE = "reaper.etcd.tls.cert-file";
    public static final String ETCD_KEY_FILE = "reaper.etcd.tls.key-file";
    public static final String NODES_SELECTOR = "reaper.nodes.selector";
    public static final String KUBERNETES_TIMEOUT = "reaper.kubernetes.timeout";
    public static final String KUBERNETES_EVENTS = "reaper.kubernetes.events";
    public static final String MAX_UNHEALTHY = "reaper.safety.max-unhealthy";
    public static final String MAX_PODS_PER_CYCLE = "reaper.safety.max-pods-per-cycle";
    public static final String COOLDOWN = "reaper.safety.cooldown";
    public static final String AUDIT_FILE = "reaper.audit.file";
    public static final String SLACK_WEBHOOK_URL = "reaper.slack.webhook-url";
    public static final String SLACK_TOKEN = "reaper.slack.token";
    public static final String SLACK_CHANNEL = "reaper.slack.channel";
    public static final String SLACK_SERVER_URL = "reaper.slack.server-url";
    public static final String SLACK_QUEUE_SIZE = "reaper.slack.queue-size";
    public static final String SLACK_RETRY_FOR = "reaper.slack.retry-for";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    // Kubernetes label keys: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    // alluxio.cluster.name ends up inside etcd keys: no slash, no whitespace.
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]*");

    public ReaperSettings {
        workersSelector = Map.copyOf(workersSelector);
        etcdEndpoints = List.copyOf(etcdEndpoints);
    }

    /** Reads and validates every setting; {@code lookup} returns the configured value of a key, if any. */
    public static ReaperSettings from(Function<String, Optional<String>> lookup) {
        Reader in = new Reader(lookup);
        return new ReaperSettings(
                in.duration(CHECK_INTERVAL, Duration.ofMillis(100)),
                Detection.from(in),
                in.duration(NOT_READY_FOR, Duration.ZERO),
                in.matching(WORKERS_NAMESPACE, DNS_LABEL, "a namespace name (lowercase DNS label, e.g. alluxio)"),
                in.selector(WORKERS_SELECTOR),
                in.matching(CLUSTER_NAME, CLUSTER, "an Alluxio cluster name without '/' (e.g. default-alluxio)"),
                in.bool(REQUIRE_LEASE_EXPIRED),
                in.choice(UNACCOUNTED_HEARTBEATS, RemediationPlanner.UnaccountedHeartbeats.class),
                in.duration(AUDIT_INTERVAL, Duration.ZERO),
                in.bool(DRY_RUN),
                in.urls(ETCD_ENDPOINTS),
                in.duration(ETCD_TIMEOUT, Duration.ofMillis(100)),
                EtcdSecurity.from(in),
                in.labelSelector(NODES_SELECTOR),
                in.duration(KUBERNETES_TIMEOUT, Duration.ofMillis(100)),
                Safety.from(in),
                in.writableFile(AUDIT_FILE),
                SlackSettings.from(in),
                in.bool(KUBERNETES_EVENTS),
                LeaderElectionSettings.from(in, Optional.ofNullable(System.getenv("HOSTNAME"))),
                OptInSettings.from(in));
    }

    /** The environment variable that overrides a key: {@code reaper.check-interval} -> {@code REAPER_CHECK_INTERVAL}. */
    public static String environmentVariableOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The etcd prefix of the workers' permanent registrations, with its trailing slash. */
    public String authorizedPrefix() {
        return AlluxioKeys.authorizedPrefix(clusterName);
    }

    /** The etcd prefix of the workers' lease-bound heartbeats, with its trailing slash. */
    public String serviceDiscoveryPrefix() {
        return AlluxioKeys.heartbeatPrefix(clusterName);
    }

    /** The label selector as kubectl prints it, e.g. {@code app=alluxio,role=alluxio-worker}. */
    public String workersSelectorText() {
        return String.join(",", workersSelector.entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** The settings for the startup log: every value, with secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(CHECK_INTERVAL, Durations.humanize(checkInterval));
        shown.put(DETECTION, detection.text());
        shown.put(NOT_READY_FOR, Durations.humanize(notReadyFor));
        shown.put(WORKERS_NAMESPACE, workersNamespace);
        shown.put(WORKERS_SELECTOR, workersSelectorText());
        shown.put(CLUSTER_NAME, clusterName);
        shown.put(REQUIRE_LEASE_EXPIRED, String.valueOf(requireLeaseExpired));
        shown.put(UNACCOUNTED_HEARTBEATS, unaccountedHeartbeats.name().toLowerCase(Locale.ROOT));
        shown.put(AUDIT_INTERVAL, Durations.humanize(auditInterval));
        shown.put(DRY_RUN, String.valueOf(dryRun));
        shown.put(ETCD_ENDPOINTS, etcdEndpoints.toString());
        shown.put(ETCD_TIMEOUT, Durations.humanize(etcdTimeout));
        shown.putAll(etcdSecurity.describe());
        shown.put(NODES_SELECTOR, nodesSelector.toString());
        shown.put(KUBERNETES_TIMEOUT, Durations.humanize(kubernetesTimeout));
        shown.put(KUBERNETES_EVENTS, String.valueOf(kubernetesEvents));
        shown.put(MAX_UNHEALTHY, safety.maxUnhealthy().toString());
        shown.put(MAX_PODS_PER_CYCLE, String.valueOf(safety.maxPodsPerCycle()));
        shown.put(COOLDOWN, Durations.humanize(safety.cooldown()));
        shown.put(AUDIT_FILE, auditFile.map(Object::toString).orElse("(off)"));
        shown.putAll(slack.describe());
        shown.putAll(leaderElection.describe());
        shown.putAll(optIn.describe());
        return shown;
    }

    /** The circuit breaker and the per-cycle cap. */
    /**
     * How a cycle gets started: {@code poll} runs one every check-interval; {@code watch} also runs one as soon
     * as a node changes readiness or a worker's heartbeat disappears from etcd, the interval staying as the
     * safety net.
     */
    public enum Detection {
        POLL, WATCH;

        static Detection from(Reader in) {
            return in.choice(DETECTION, Detection.class);
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Safety(SafetyGate.MaxUnhealthy maxUnhealthy, int maxPodsPerCycle, Duration cooldown) {

        static Safety from(Reader in) {
            String raw = in.required(MAX_UNHEALTHY, "a count (e.g. 3) or a percent (e.g. 49%)");
            SafetyGate.MaxUnhealthy max;
            try {
                max = SafetyGate.MaxUnhealthy.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(MAX_UNHEALTHY, raw,
                        "a count of nodes (e.g. 3) or a percent from 0% to 100% (e.g. 49%)");
            }
            return new Safety(max, in.integer(MAX_PODS_PER_CYCLE, 1, 10_000), in.duration(COOLDOWN, Duration.ZERO));
        }
    }

    /**
     * etcd credentials and TLS. The password is held here and never printed.
     *
     * @param username etcd user, if etcd has auth enabled
     * @param password its password
     * @param caFile   PEM file of the CA that signed etcd's server certificate (https endpoints)
     * @param certFile PEM client certificate, when etcd requires client certificates
     * @param keyFile  PEM (PKCS#8) key of the client certificate
     */
    public record EtcdSecurity(Optional<String> username, Optional<String> password, Optional<java.nio.file.Path> caFile,
                               Optional<java.nio.file.Path> certFile, Optional<java.nio.file.Path> keyFile) {

        static EtcdSecurity from(Reader in) {
            Optional<String> user = in.optional(ETCD_USERNAME);
            Optional<String> password = in.optional(ETCD_PASSWORD);
            if (user.isPresent() != password.isPresent()) {
                throw new InvalidSettingException(user.isPresent() ? ETCD_PASSWORD : ETCD_USERNAME, "''",
                        "both " + ETCD_USERNAME + " and " + ETCD_PASSWORD + ", or neither");
            }
            Optional<java.nio.file.Path> cert = in.readableFile(ETCD_CERT_FILE);
            Optional<java.nio.file.Path> key = in.readableFile(ETCD_KEY_FILE);
            if (cert.isPresent() != key.isPresent()) {
                throw new InvalidSettingException(cert.isPresent() ? ETCD_KEY_FILE : ETCD_CERT_FILE, "''",
                        "both " + ETCD_CERT_FILE + " and " + ETCD_KEY_FILE + ", or neither");
            }
            return new EtcdSecurity(user, password, in.readableFile(ETCD_CA_FILE), cert, key);
        }

        public boolean tls() {
            return caFile.isPresent() || certFile.isPresent();
        }

        Map<String, String> describe() {
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put(ETCD_USERNAME, username.orElse("(not set)"));
            shown.put(ETCD_PASSWORD, password.map(p -> "****").orElse("(not set)"));
            shown.put(ETCD_CA_FILE, caFile.map(Object::toString).orElse("(not set)"));
            shown.put(ETCD_CERT_FILE, certFile.map(Object::toString).orElse("(not set)"));
            shown.put(ETCD_KEY_FILE, keyFile.map(Object::toString).orElse("(not set)"));
            return shown;
        }

        @Override
        public String toString() {
            return "EtcdSecurity" + describe();
        }
    }

    /** Where notices go besides the log. Secrets are held here and never printed. */
    public record SlackSettings(Optional<String> webhookUrl, Optional<String> token, String channel,
                                Optional<String> serverUrl, int queueSize, Duration retryFor) {

        static SlackSettings from(Reader in) {
            Optional<String> webhook = in.optionalUrl(SLACK_WEBHOOK_URL, true);
            Optional<String> token = in.optional(SLACK_TOKEN);
            String channel = in.optional(SLACK_CHANNEL).orElse("");
            Optional<String> server = in.optionalUrl(SLACK_SERVER_URL, false);
            if (webhook.isPresent() && token.isPresent()) {
                throw new InvalidSettingException(SLACK_TOKEN, "****",
                        "either " + SLACK_WEBHOOK_URL + " or " + SLACK_TOKEN + ", not both");
            }
            if (token.isPresent() && channel.isBlank()) {
                throw new InvalidSettingException(SLACK_CHANNEL, "''",
                        "a channel such as #alluxio-ops when " + SLACK_TOKEN + " is set");
            }
            return new SlackSettings(webhook, token, channel, server, in.integer(SLACK_QUEUE_SIZE, 1, 100_000),
                    in.duration(SLACK_RETRY_FOR, Duration.ZERO));
        }

        public boolean enabled() {
            return webhookUrl.isPresent() || token.isPresent();
        }

        Map<String, String> describe() {
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put(SLACK_WEBHOOK_URL, webhookUrl.map(u -> "****").orElse("(not set)"));
            shown.put(SLACK_TOKEN, token.map(t -> "****").orElse("(not set)"));
            shown.put(SLACK_CHANNEL, channel.isBlank() ? "(not set)" : channel);
            shown.put(SLACK_SERVER_URL, serverUrl.orElse("(Slack)"));
            shown.put(SLACK_QUEUE_SIZE, String.valueOf(queueSize));
            shown.put(SLACK_RETRY_FOR, Durations.humanize(retryFor));
            return shown;
        }

        @Override
        public String toString() {
            return "SlackSettings" + describe();
        }
    }

    /** Reads raw values and turns each bad one into an {@link InvalidSettingException}. */
    public static final class Reader {
        private final Function<String, Optional<String>> lookup;

        public Reader(Function<String, Optional<String>> lookup) {
            this.lookup = lookup;
        }

        /** One of an enum's constants, written in lower case with dashes (e.g. poll, watch; refuse, ignore). */
        <E extends Enum<E>> E choice(String key, Class<E> type) {
            String expected = String.join(" or ", java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            String text = required(key, expected);
            try {
                return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(key, text, expected);
            }
        }

        public Optional<String> optional(String key) {
            return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
        }

        public String required(String key, String expected) {
            return optional(key).orElseThrow(() -> new InvalidSettingException(key, "''", expected));
        }

        public Duration duration(String key, Duration minimum) {
            String expected = "a duration such as 500ms, 30s, 5m or 1h, at least " + minimum.toMillis() + "ms";
            String raw = required(key, expected);
            Matcher m = DURATION.matcher(raw);
            if (!m.matches()) {
                throw new InvalidSettingException(key, raw, expected);
            }
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, expected);
            }
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (d.compareTo(minimum) < 0) {
                throw new InvalidSettingException(key, raw, expected);
            }
            return d;
        }

        public boolean bool(String key) {
            String raw = required(key, "true or false");
            return switch (raw.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidSettingException(key, raw, "true or false");
            };
        }

        public String matching(String key, Pattern pattern, String expected) {
            String raw = required(key, expected);
            if (!pattern.matcher(raw).matches()) {
                throw new InvalidSettingException(key, raw, expected);
            }
            return raw;
        }

        int integer(String key, int min, int max) {
            String expected = "a whole number from " + min + " to " + max;
            String raw = required(key, expected);
            try {
                int value = Integer.parseInt(raw);
                if (value < min || value > max) {
                    throw new InvalidSettingException(key, raw, expected);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, expected);
            }
        }

        LabelSelector labelSelector(String key) {
            String raw = optional(key).orElse("");
            try {
                return LabelSelector.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(key, raw, "a label selector in kubectl's syntax, e.g. "
                        + "!node-role.kubernetes.io/control-plane,pool in (cache,storage) (" + e.getMessage() + ")");
            }
        }

        Optional<java.nio.file.Path> readableFile(String key) {
            Optional<String> raw = optional(key);
            if (raw.isPresent() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(raw.get()))) {
                throw new InvalidSettingException(key, raw.get(), "the path of a readable PEM file");
            }
            return raw.map(java.nio.file.Path::of);
        }

        Optional<java.nio.file.Path> writableFile(String key) {
            Optional<String> raw = optional(key);
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            java.nio.file.Path path = java.nio.file.Path.of(raw.get()).toAbsolutePath();
            boolean ok = java.nio.file.Files.exists(path) ? java.nio.file.Files.isWritable(path)
                    : java.nio.file.Files.isDirectory(path.getParent()) && java.nio.file.Files.isWritable(path.getParent());
            if (!ok) {
                throw new InvalidSettingException(key, raw.get(), "a file path that can be written (its directory must exist)");
            }
            return Optional.of(path);
        }

        public Map<String, String> selector(String key) {
            String expected = "a label selector of key=value pairs separated by commas (e.g. app=alluxio,role=alluxio-worker)";
            String raw = required(key, expected);
            Map<String, String> labels = new LinkedHashMap<>();
            for (String part : raw.split(",", -1)) {
                String[] kv = part.trim().split("=", -1);
                String k = kv[0].trim();
                if (kv.length != 2 || !LABEL_KEY.matcher(k).matches()
                        || !LABEL_VALUE.matcher(kv[1].trim()).matches() || labels.containsKey(k)) {
                    throw new InvalidSettingException(key, raw, expected);
                }
                labels.put(k, kv[1].trim());
            }
            return labels;
        }

        List<URI> urls(String key) {
            String expected = "comma-separated http:// or https:// URLs with host and port (e.g. http://etcd-0:2379,http://etcd-1:2379)";
            String raw = required(key, expected);
            List<URI> urls = new ArrayList<>();
            for (String part : raw.split(",", -1)) {
                urls.add(url(key, part.trim(), raw, expected, true));
            }
            return urls;
        }

        Optional<String> optionalUrl(String key, boolean secret) {
            Optional<String> raw = optional(key);
            String shown = secret ? "****" : raw.orElse("");
            raw.ifPresent(v -> url(key, v, shown, "an http:// or https:// URL", false));
            return raw;
        }

        private static URI url(String key, String value, String shown, String expected, boolean needPort) {
            try {
                URI uri = new URI(value);
                boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
                if (!web || uri.getHost() == null || (needPort && uri.getPort() < 0)) {
                    throw new InvalidSettingException(key, shown, expected);
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw new InvalidSettingException(key, shown, expected);
            }
        }
    }
}

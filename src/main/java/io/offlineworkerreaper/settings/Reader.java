package io.offlineworkerreaper.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads raw setting values and turns each bad one into an {@link InvalidSettingException} naming the key: every
 * settings section ({@code from(Reader)}) parses its keys with it.
 */
public final class Reader {

    /** The environment variable that overrides a key: {@code reaper.check-interval} -> {@code REAPER_CHECK_INTERVAL}. */
    public static String environmentVariableOf(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    // Kubernetes label keys: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private final Function<String, Optional<String>> lookup;

    public Reader(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    /** One of an enum's constants, written in lower case with dashes (e.g. poll, watch; refuse, ignore). */
    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String expected = String.join(" or ", Arrays.stream(type.getEnumConstants())
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

    public int integer(String key, int min, int max) {
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

    /**
     * The value of {@code key} (empty when unset) as {@code parser} reads it; its IllegalArgumentException becomes
     * an InvalidSettingException naming the key, {@code expected} and the parser's message.
     */
    public <T> T parsed(String key, java.util.function.Function<String, T> parser, String expected) {
        String raw = optional(key).orElse("");
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, raw, expected + " (" + e.getMessage() + ")");
        }
    }

    public Optional<Path> readableFile(String key) {
        Optional<String> raw = optional(key);
        if (raw.isPresent() && !Files.isReadable(Path.of(raw.get()))) {
            throw new InvalidSettingException(key, raw.get(), "the path of a readable PEM file");
        }
        return raw.map(Path::of);
    }

    /** A size such as 500KB, 5MB or 1GB, in bytes. */
    public long size(String key) {
        return Sizes.bytes(matching(key, Sizes.SIZE, Sizes.EXPECTED));
    }

    public Optional<Path> writableFile(String key) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(raw.get()).toAbsolutePath();
        boolean ok = Files.exists(path) ? Files.isWritable(path)
                : Files.isDirectory(path.getParent()) && Files.isWritable(path.getParent());
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

    public List<URI> urls(String key) {
        String expected = "comma-separated http:// or https:// URLs with host and port (e.g. http://etcd-0:2379,http://etcd-1:2379)";
        String raw = required(key, expected);
        List<URI> urls = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            urls.add(url(key, part.trim(), raw, expected, true));
        }
        return urls;
    }

    public Optional<String> optionalUrl(String key, boolean secret) {
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
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, shown, expected);
        }
    }
}

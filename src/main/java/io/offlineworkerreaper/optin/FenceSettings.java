package io.offlineworkerreaper.optin;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * The proof a node is off before the out-of-service taint or the Node's deletion ({@code reaper.node.fence-*}).
 * Kubernetes requires it before the out-of-service taint: the taint force-detaches the node's volumes, which a
 * node still running would corrupt.
 *
 * @param uri      the Camel endpoint that fences a node (e.g. {@code https://power.example/off}, camel-http is
 *                 in the jar); called with the node as JSON
 * @param required without a fence URI, refuse the two actions (true) or take them unproven (false)
 * @param timeout  a fence call that has not answered by then has failed
 */
public record FenceSettings(Optional<String> uri, boolean required, Duration timeout) {

    public static final String URI_KEY = "reaper.node.fence-uri";
    public static final String REQUIRED = "reaper.node.require-fence";
    public static final String TIMEOUT = "reaper.node.fence-timeout";

    public static FenceSettings from(Reader in) {
        Optional<String> uri = in.optional(URI_KEY);
        uri.ifPresent(u -> {
            int colon = u.indexOf(':');
            if (colon <= 0 || !u.substring(0, colon).matches("[a-z][a-z0-9+.-]*")) {
                throw new InvalidSettingException(URI_KEY, shown(u),
                        "a Camel endpoint URI such as https://fencing.example/off");
            }
        });
        return new FenceSettings(uri, in.bool(REQUIRED), in.duration(TIMEOUT, Duration.ofSeconds(1)));
    }

    /** The URI as it may be printed: any user info (a credential) masked. */
    public static String shown(String uri) {
        return userInfo(uri).map(info -> uri.replace(info, "****")).orElse(uri.replaceAll("//[^/@]*@", "//****@"));
    }

    /** The credential in the fence URI (its user info), for the secret masker. */
    public Optional<String> credential() {
        return uri.flatMap(FenceSettings::userInfo);
    }

    private static Optional<String> userInfo(String uri) {
        try {
            return Optional.ofNullable(new URI(uri).getRawUserInfo());
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(URI_KEY, uri.map(FenceSettings::shown).orElse("(not set)"));
        shown.put(REQUIRED, String.valueOf(required));
        shown.put(TIMEOUT, Durations.humanize(timeout));
        return shown;
    }
}

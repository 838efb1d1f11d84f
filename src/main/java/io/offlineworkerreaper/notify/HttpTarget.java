package io.offlineworkerreaper.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP destination as camel-http is handed it: the URL without its user info (sent as the CamelHttpUri
 * header, so that no endpoint URI, log line or registry ever holds it), and the user info as a Basic
 * Authorization header.
 *
 * @param url           the URL without user info
 * @param authorization "Basic ..." when the URL had user:password
 * @param secret        the whole URL is a secret (a webhook's token lives in its path)
 */
public record HttpTarget(String url, Optional<String> authorization, boolean secret, Optional<String> userInfo) {

    static HttpTarget of(String raw, boolean secret) {
        try {
            URI uri = new URI(raw);
            String info = uri.getRawUserInfo();
            if (info == null) {
                return new HttpTarget(raw, Optional.empty(), secret, Optional.empty());
            }
            String bare = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath() == null ? null
                    : uri.getPath(), uri.getQuery(), null).toString();
            String decoded = java.net.URLDecoder.decode(info, StandardCharsets.UTF_8);
            return new HttpTarget(bare, Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString(decoded.getBytes(StandardCharsets.UTF_8))), secret, Optional.of(info));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (checked at startup)", e);
        }
    }

    /** Makes camel-http POST JSON here: the URL as CamelHttpUri (never in an endpoint URI), the credential. */
    void applyTo(org.apache.camel.Message message) {
        message.setHeader(org.apache.camel.Exchange.HTTP_URI, url);
        message.setHeader(org.apache.camel.Exchange.HTTP_METHOD, "POST");
        message.setHeader(org.apache.camel.Exchange.CONTENT_TYPE, "application/json");
        authorization.ifPresent(a -> message.setHeader("Authorization", a));
    }

    /** How it may be printed. */
    public String shown() {
        return secret ? "****" : url.replaceFirst("//", "//" + (userInfo.isPresent() ? "****@" : ""));
    }

    List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        userInfo.ifPresent(secrets::add);
        authorization.ifPresent(a -> secrets.add(a.substring("Basic ".length())));
        if (secret) {
            secrets.add(url);
        }
        return secrets;
    }
}

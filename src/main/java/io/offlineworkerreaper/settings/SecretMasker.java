package io.offlineworkerreaper.settings;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces every configured secret (Slack token and webhook URL, etcd password, the user info of the fence URI
 * and the Alertmanager URL, the generic webhook URL)
 * by {@code ****}.
 */
public final class SecretMasker {

    private final List<String> secrets;

    public SecretMasker(List<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String mask(String text) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }
}

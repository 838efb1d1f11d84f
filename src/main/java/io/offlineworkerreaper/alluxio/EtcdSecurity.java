package io.offlineworkerreaper.alluxio;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * etcd credentials and TLS. The password is held here and never printed.
 *
 * @param username etcd user, if etcd has auth enabled
 * @param password its password
 * @param caFile   PEM file of the CA that signed etcd's server certificate (https endpoints)
 * @param certFile PEM client certificate, when etcd requires client certificates
 * @param keyFile  PEM (PKCS#8) key of the client certificate
 */
public record EtcdSecurity(Optional<String> username, Optional<String> password, Optional<Path> caFile,
                           Optional<Path> certFile, Optional<Path> keyFile) {

    public static final String USERNAME = "reaper.etcd.username";
    public static final String PASSWORD = "reaper.etcd.password";
    public static final String CA_FILE = "reaper.etcd.tls.ca-file";
    public static final String CERT_FILE = "reaper.etcd.tls.cert-file";
    public static final String KEY_FILE = "reaper.etcd.tls.key-file";

    public static EtcdSecurity from(Reader in) {
        Optional<String> user = in.optional(USERNAME);
        Optional<String> password = in.optional(PASSWORD);
        if (user.isPresent() != password.isPresent()) {
            throw new InvalidSettingException(user.isPresent() ? PASSWORD : USERNAME, "''",
                    "both " + USERNAME + " and " + PASSWORD + ", or neither");
        }
        Optional<Path> cert = in.readableFile(CERT_FILE);
        Optional<Path> key = in.readableFile(KEY_FILE);
        if (cert.isPresent() != key.isPresent()) {
            throw new InvalidSettingException(cert.isPresent() ? KEY_FILE : CERT_FILE, "''",
                    "both " + CERT_FILE + " and " + KEY_FILE + ", or neither");
        }
        return new EtcdSecurity(user, password, in.readableFile(CA_FILE), cert, key);
    }

    public boolean tls() {
        return caFile.isPresent() || certFile.isPresent();
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(USERNAME, username.orElse("(not set)"));
        shown.put(PASSWORD, password.map(p -> "****").orElse("(not set)"));
        shown.put(CA_FILE, caFile.map(Object::toString).orElse("(not set)"));
        shown.put(CERT_FILE, certFile.map(Object::toString).orElse("(not set)"));
        shown.put(KEY_FILE, keyFile.map(Object::toString).orElse("(not set)"));
        return shown;
    }

    @Override
    public String toString() {
        return "EtcdSecurity" + describe();
    }
}

package io.offlineworkerreaper.observe;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.offlineworkerreaper.settings.Reader;

/**
 * The JSON audit log: where it goes, if anywhere, and how far it may grow. It rotates by size like the log file
 * ({@code audit.jsonl.1} the newest of the old ones), so that with the log it fits the Deployment's 64Mi volume.
 *
 * @param file     {@code reaper.audit.file}; empty: off
 * @param maxBytes {@code reaper.audit.max-size}: the size after which the next line starts a new file
 * @param maxFiles {@code reaper.audit.max-files}: rotated files kept
 */
public record AuditSettings(Optional<Path> file, long maxBytes, int maxFiles) {

    public static final String FILE = "reaper.audit.file";
    public static final String MAX_SIZE = "reaper.audit.max-size";
    public static final String MAX_FILES = "reaper.audit.max-files";

    public static AuditSettings from(Reader in) {
        return new AuditSettings(in.writableFile(FILE), in.size(MAX_SIZE), in.integer(MAX_FILES, 1, 99));
    }

    /** Off: no file. */
    public static AuditSettings off() {
        return new AuditSettings(Optional.empty(), 0, 1);
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(FILE, file.map(Object::toString).orElse("(off)"));
        shown.put(MAX_SIZE, maxBytes / 1024 + "KB");
        shown.put(MAX_FILES, String.valueOf(maxFiles));
        return shown;
    }
}

package io.offlineworkerreaper.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file rotated by size, like the seed script's: once it has grown past {@code maxBytes}, the next line
 * starts a new file; the old one becomes {@code <file>.1}, {@code .1} becomes {@code .2}, and so on up to
 * {@code maxFiles}, the oldest dropped. Every line is written through at once (nothing waits in a buffer when the
 * process dies). Not thread-safe: its user serialises the writes (the audit log).
 */
public final class RollingFile implements AutoCloseable {

    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private OutputStream out;
    private long size;

    /** Opens (creating its directory) {@code path}; {@code maxBytes} 0: never rotated. */
    public RollingFile(Path path, long maxBytes, int maxFiles, boolean append) throws IOException {
        this.path = path;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        open(append);
    }

    public void write(byte[] line) throws IOException {
        if (maxBytes > 0 && size > maxBytes) {
            roll();
        }
        out.write(line);
        out.flush();
        size += line.length;
    }

    Path path() {
        return path;
    }

    private void roll() throws IOException {
        out.close();
        Files.deleteIfExists(numbered(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(path)) { // an operator may have moved it away
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open(false);
    }

    private Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void open(boolean append) throws IOException {
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        size = append ? Files.size(path) : 0;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

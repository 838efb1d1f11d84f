package io.offlineworkerreaper.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link StatusPage} on the management port, beside /observe/health and /observe/metrics:
 * {@code /observe/status} (JSON) and {@code /observe/status.html} (the same, for a browser). Only GET; nothing is
 * served when the management server is off ({@code camel.management.enabled=false}).
 */
public final class StatusEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(StatusEndpoint.class);

    private StatusEndpoint() {
    }

    /** Adds the two paths once Camel, and with it the management server, has started. */
    public static void serve(CamelContext context, StatusPage status) throws Exception {
        String html = page();
        context.addStartupListener((started, alreadyStarted) -> {
            ManagementHttpServer server = started.hasService(ManagementHttpServer.class);
            if (server == null || server.getRouter() == null) {
                return;
            }
            VertxPlatformHttpRouter router = server.getRouter();
            router.get("/observe/status").handler(request -> request.response()
                    .putHeader("Content-Type", "application/json").end(status.json()));
            router.get("/observe/status.html").handler(request -> request.response()
                    .putHeader("Content-Type", "text/html; charset=utf-8").end(html));
            LOG.info("Status page on the management port: /observe/status, /observe/status.html");
        });
    }

    private static String page() {
        try (InputStream in = StatusEndpoint.class.getResourceAsStream("/observe/status.html")) {
            if (in == null) {
                throw new IllegalStateException("observe/status.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

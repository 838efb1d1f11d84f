package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** A local HTTP server standing in for Slack: it records every POST and answers like Slack does. */
final class SlackStandIn implements AutoCloseable {

    /** One request Slack received. */
    record Post(String path, String body) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final String WEBHOOK_PATH = "/services/T000/B000/XXXXSECRETWEBHOOK";

    private final HttpServer server;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    SlackStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                posts.add(new Post(exchange.getRequestURI().getPath(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            boolean api = exchange.getRequestURI().getPath().startsWith("/api/");
            byte[] answer = (api ? "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", api ? "application/json" : "text/plain");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** From now on, answer every post with this HTTP status (Slack down: 500). */
    void answerWith(int httpStatus) {
        this.status = httpStatus;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String webhookUrl() {
        return baseUrl() + WEBHOOK_PATH;
    }

    List<Post> posts() {
        return List.copyOf(posts);
    }

    /** The message text of every webhook post, as a Slack user would read it (JSON decoded). */
    List<String> texts() {
        return posts.stream().map(p -> {
            try {
                return JSON.readTree(p.body()).path("text").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError("Slack received a body that is not JSON: " + p.body(), e);
            }
        }).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP server standing in for an HTTP peer (Slack, Alertmanager, a webhook gateway): it records every
 * POST and answers like Slack does (which Alertmanager and a gateway take too: only the status matters to them),
 * refusing as Slack does ({@code 400 invalid_blocks}) a Block Kit message over Block Kit's limits.
 */
final class HttpStandIn implements AutoCloseable {

    /** One request the peer received, and when; {@code authorization} is its Authorization header, if any. */
    record Post(String path, String body, long nanoTime, int status, String authorization) {
    }

    /** A scripted answer: status, extra headers and, when given, the body (Slack's reason on a 400). */
    record Answer(int status, Map<String, String> headers, String body) {
        Answer(int status, Map<String, String> headers) {
            this(status, headers, null);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final String WEBHOOK_PATH = "/services/T000/B000/XXXXSECRETWEBHOOK";

    private final HttpServer server;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile boolean failEveryOther;
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();

    HttpStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            boolean api = exchange.getRequestURI().getPath().startsWith("/api/");
            byte[] answer = (api ? "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", api ? "application/json" : "text/plain");
            Answer scripted = script.poll();
            if (scripted != null) {
                scripted.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            }
            int answered = scripted != null ? scripted.status() : status;
            if (scripted == null && failEveryOther && received.incrementAndGet() % 2 == 1) {
                answered = 500;
            }
            if (scripted != null && scripted.body() != null) {
                answer = scripted.body().getBytes(StandardCharsets.UTF_8);
            }
            String invalid = blockKitProblem(body);
            if (invalid != null && answered == 200) { // Slack refuses it as it does: 400 invalid_blocks
                answered = 400;
                answer = ("invalid_blocks: " + invalid).getBytes(StandardCharsets.UTF_8);
            }
            posts.add(new Post(exchange.getRequestURI().getPath(), body, System.nanoTime(), answered,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(answered, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /**
     * What breaks Block Kit's documented limits in a Slack message, or null (also for a body that is not one):
     * 50 blocks; a header's plain text of 150 characters; a section's text of 3,000, its 10 fields of 2,000 each;
     * a context's 10 elements; a message text of 40,000.
     */
    static String blockKitProblem(String body) {
        com.fasterxml.jackson.databind.JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
        if (message == null || !message.has("blocks")) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode blocks = message.get("blocks");
        if (blocks.size() > 50) {
            return blocks.size() + " blocks (at most 50)";
        }
        if (message.path("text").asText().length() > 40_000) {
            return "text of " + message.path("text").asText().length() + " characters (at most 40000)";
        }
        for (com.fasterxml.jackson.databind.JsonNode block : blocks) {
            String type = block.path("type").asText();
            int text = block.path("text").path("text").asText().length();
            if (type.equals("header") && text > 150) {
                return "header of " + text + " characters (at most 150)";
            }
            if (type.equals("section")) {
                if (text > 3_000) {
                    return "section text of " + text + " characters (at most 3000)";
                }
                if (block.path("fields").size() > 10) {
                    return block.path("fields").size() + " fields in a section (at most 10)";
                }
                for (com.fasterxml.jackson.databind.JsonNode field : block.path("fields")) {
                    if (field.path("text").asText().length() > 2_000) {
                        return "a section field of " + field.path("text").asText().length() + " characters (at most 2000)";
                    }
                }
            }
            if (type.equals("context") && block.path("elements").size() > 10) {
                return block.path("elements").size() + " context elements (at most 10)";
            }
        }
        return null;
    }

    /** From now on, answer every other post with 500 (a flaky Slack). */
    void failEveryOther() {
        this.failEveryOther = true;
    }

    /** From now on, answer every post with this HTTP status (Slack down: 500). */
    void answerWith(int httpStatus) {
        this.status = httpStatus;
    }

    /** The next posts get these answers, in order; then the default status again. */
    void script(Answer... answers) {
        script.addAll(List.of(answers));
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
    List<com.fasterxml.jackson.databind.JsonNode> json() {
        return posts.stream().map(p -> {
            try {
                return JSON.readTree(p.body());
            } catch (java.io.IOException e) {
                throw new AssertionError("Slack received a body that is not JSON: " + p.body(), e);
            }
        }).toList();
    }

    /** The texts of the posts Slack accepted (200), in order. */
    List<String> deliveredTexts() {
        List<String> all = texts();
        return java.util.stream.IntStream.range(0, posts.size()).filter(i -> posts.get(i).status() == 200)
                .mapToObj(all::get).toList();
    }

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

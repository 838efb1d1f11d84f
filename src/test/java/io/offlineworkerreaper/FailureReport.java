package io.offlineworkerreaper;

import java.util.List;
import java.util.stream.Collectors;

/** What a failed route test prints: the warnings, errors and notices the reaper logged, and the Slack texts. */
final class FailureReport {

    static final int MAX_LINES = 60;
    static final int MAX_LINE = 240;

    private FailureReport() {
    }

    static String of(String test, String log, List<String> slackTexts) {
        List<String> lines = log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                || l.contains("NOTICE") || l.contains("posted to Slack")).toList();
        List<String> shown = lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size());
        StringBuilder out = new StringBuilder("---- failed: ").append(test).append(": the reaper's last ")
                .append(shown.size()).append(" of ").append(lines.size()).append(" warnings, errors and notices\n");
        shown.forEach(l -> out.append(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "..." : l).append('\n'));
        out.append("---- Slack received ").append(slackTexts.size()).append(" texts\n");
        out.append(slackTexts.stream().map(t -> "  " + t.lines().findFirst().orElse(""))
                .collect(Collectors.joining("\n")));
        return out.toString();
    }
}

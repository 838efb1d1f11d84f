package io.offlineworkerreaper;

/**
 * A message for operators, sent to the log and to Slack.
 *
 * @param kind what happened
 * @param text the message, plain text with Slack mrkdwn, free of secrets
 */
public record Notice(Kind kind, String text) {

    public enum Kind { REMEDIATED, WOULD_REMOVE, REFUSED, FAILED, RECOVERED }

    @Override
    public String toString() {
        return text;
    }
}

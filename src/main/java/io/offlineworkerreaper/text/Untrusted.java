package io.offlineworkerreaper.text;

/**
 * Makes text that came from outside (etcd values and keys, Kubernetes object fields, annotations, HTTP replies,
 * exception messages) safe to put on one line of a log or a notice: every control character (line breaks, tabs,
 * escape sequences, C1 controls, Unicode line and paragraph separators, bidirectional overrides that reorder what a
 * reader sees) is written as a visible escape ({@code \n}, {@code \u001b}), so such a value can neither start a
 * forged log line nor hide text; and its length is bounded. The escapes for a particular sink's markup (Slack
 * mrkdwn, HTML) are that sink's renderer's job.
 */
public final class Untrusted {

    /** The longest single value kept (a host name, a key, an error message): longer ones are cut. */
    public static final int MAX_VALUE = 1_024;

    private Untrusted() {
    }

    /** {@code text} on one line, at most {@link #MAX_VALUE} characters before escaping; "" for null. */
    public static String line(String text) {
        return line(text, MAX_VALUE);
    }

    /** {@code text} on one line, at most {@code max} characters of it kept (then "… (N more characters)"). */
    public static String line(String text, int max) {
        if (text == null) {
            return "";
        }
        String kept = Bounded.text(text, max);
        StringBuilder out = null;
        for (int i = 0; i < kept.length(); i++) {
            char c = kept.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(kept.length() + 16).append(kept, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? kept : out.toString();
    }

    /** Whether {@code text} is already safe for one line (nothing {@link #line} would escape). */
    public static boolean isInert(String text) {
        return text.chars().noneMatch(c -> escape((char) c) != null);
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
        boolean separator = c == '\u2028' || c == '\u2029';
        boolean bidi = (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                || c == '\u200f' || c == '\u061c';
        return control || separator || bidi ? String.format("\\u%04x", (int) c) : null;
    }
}

package io.offlineworkerreaper.text;

import java.util.List;

/**
 * Text cut to fit a destination's limit, saying what was left out: a list ends with "… and N more" (the count
 * always given), a long value with "… (N more characters)". Never cuts a surrogate pair in half.
 */
public final class Bounded {

    private Bounded() {
    }

    /** {@code text} if it has at most {@code max} characters, else its start and "… (N more characters)". */
    public static String text(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        for (int keep = Math.max(0, max - 24); ; keep = Math.max(0, keep - 8)) {
            int end = safeEnd(text, keep);
            String cut = text.substring(0, end) + "… (" + (text.length() - end) + " more characters)";
            if (cut.length() <= max || keep == 0) {
                return cut.length() <= max ? cut : cut.substring(0, safeEnd(cut, max));
            }
        }
    }

    /**
     * The items joined by ", ", as many as fit in {@code max} characters with " … and N more" after them; each
     * item is first cut to fit on its own.
     */
    public static String list(List<String> items, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = text(items.get(i), Math.max(16, max / 4));
            int rest = items.size() - i - 1;
            String more = rest == 0 ? "" : " … and " + rest + " more";
            String sep = i == 0 ? "" : ", ";
            if (out.length() + sep.length() + item.length() + more.length() > max) {
                String left = (i == 0 ? "" : " ") + "… and " + (items.size() - i) + " more";
                return out.length() + left.length() <= max ? out + left : text(out + left, max);
            }
            out.append(sep).append(item);
        }
        return out.toString();
    }

    /** Where to end a cut at {@code at} without splitting a surrogate pair. */
    private static int safeEnd(String text, int at) {
        int end = Math.min(at, text.length());
        return end > 0 && Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
    }
}

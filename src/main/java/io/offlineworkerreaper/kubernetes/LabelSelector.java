package io.offlineworkerreaper.kubernetes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in kubectl's syntax, evaluated on an object's labels: {@code key},
 * {@code !key}, {@code key=value}, {@code key==value}, {@code key!=value}, {@code key in (a,b)},
 * {@code key notin (a,b)}, joined by commas (all must hold). The empty selector matches everything.
 */
public final class LabelSelector {

    private static final String KEY = "(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
    private static final String VALUE = "(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";
    private static final Pattern EXISTS = Pattern.compile("(!?)\\s*(" + KEY + ")");
    private static final Pattern EQUALITY = Pattern.compile("(" + KEY + ")\\s*(==|=|!=)\\s*(" + VALUE + ")");
    private static final Pattern SET = Pattern.compile("(" + KEY + ")\\s+(in|notin)\\s+\\(([^)]*)\\)");

    /** The selector set at {@code key}; empty (everything) when unset. */
    public static LabelSelector setting(io.offlineworkerreaper.settings.Reader in, String key) {
        return in.parsed(key, LabelSelector::parse, "a label selector in kubectl's syntax, e.g. "
                + "!node-role.kubernetes.io/control-plane,pool in (cache,storage)");
    }

    private interface Requirement {
        boolean test(Map<String, String> labels);
    }

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = requirements;
    }

    /** Parses a selector; throws IllegalArgumentException on anything kubectl would reject. */
    public static LabelSelector parse(String text) {
        List<Requirement> requirements = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new LabelSelector("", requirements);
        }
        for (String term : splitTerms(text)) {
            requirements.add(requirement(term.trim()));
        }
        return new LabelSelector(text.trim(), requirements);
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.test(present));
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "(all)" : text;
    }

    private static Requirement requirement(String term) {
        Matcher m = SET.matcher(term);
        if (m.matches()) {
            // a HashSet: Set.of(...).contains(null) throws, and an absent label is null
            Set<String> values = new HashSet<>(List.of(m.group(3).trim().split("\\s*,\\s*")));
            String key = m.group(1);
            for (String v : values) {
                if (!v.matches(VALUE)) {
                    throw new IllegalArgumentException("bad value '" + v + "' in '" + term + "'");
                }
            }
            boolean in = m.group(2).equals("in");
            return labels -> in ? values.contains(labels.get(key)) : !values.contains(labels.get(key));
        }
        m = EQUALITY.matcher(term);
        if (m.matches()) {
            String key = m.group(1);
            String value = m.group(3);
            boolean equal = !m.group(2).equals("!=");
            return labels -> equal == value.equals(labels.get(key));
        }
        m = EXISTS.matcher(term);
        if (m.matches()) {
            String key = m.group(2);
            boolean negated = m.group(1).equals("!");
            return labels -> negated != labels.containsKey(key);
        }
        throw new IllegalArgumentException("cannot read '" + term + "'");
    }

    /** Splits on commas that are not inside a set's parentheses. */
    private static List<String> splitTerms(String text) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                terms.add(text.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(text.substring(start));
        for (String t : terms) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("empty term in '" + text + "'");
            }
        }
        return terms;
    }
}

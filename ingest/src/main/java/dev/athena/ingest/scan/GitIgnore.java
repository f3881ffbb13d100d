package dev.athena.ingest.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of one {@code .gitignore} file, as git reads them (gitignore(5)): blank lines and {@code #} comments
 * match nothing; {@code !} re-includes; a trailing {@code /} matches directories only; a pattern with a
 * {@code /} before its end is anchored to the file's directory, one without matches at any depth below it;
 * {@code *}, {@code ?} and {@code [...]} never match {@code /}; {@code **} as a whole segment matches any number
 * of directories; {@code \} quotes the next character; trailing spaces are dropped unless quoted.
 *
 * <p>Paths given to {@link #match} are relative to the directory holding the file, with {@code /}. Within one
 * file the last matching rule decides; which file decides among nested ones is the walker's business (the
 * deepest that has a say).
 */
final class GitIgnore {
    /** What a file's rules say about one path. */
    enum Verdict {
        /** No rule matches it. */
        NONE,
        IGNORED,
        /** A {@code !} rule matched it last. */
        KEPT
    }

    private record Rule(Pattern pattern, boolean negated, boolean directoriesOnly) {
    }

    private final List<Rule> rules;

    private GitIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static GitIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            Rule rule = rule(line);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return new GitIgnore(List.copyOf(rules));
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    Verdict match(String path, boolean directory) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule rule = rules.get(i);
            if ((directory || !rule.directoriesOnly()) && rule.pattern().matcher(path).matches()) {
                return rule.negated() ? Verdict.KEPT : Verdict.IGNORED;
            }
        }
        return Verdict.NONE;
    }

    private static Rule rule(String raw) {
        String line = stripTrailingSpaces(raw);
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        boolean negated = line.startsWith("!");
        if (negated) {
            line = line.substring(1);
        }
        boolean directoriesOnly = line.endsWith("/") && !line.endsWith("\\/");
        if (directoriesOnly) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            return null;
        }
        // a separator at the start or in the middle anchors the pattern to the file's directory
        boolean anchored = line.indexOf('/') >= 0;
        if (line.startsWith("/")) {
            line = line.substring(1);
        }
        String body = regex(line);
        return new Rule(Pattern.compile(anchored ? body : "(?:.*/)?" + body), negated, directoriesOnly);
    }

    /** Trailing spaces go, unless the last one is quoted with a backslash. */
    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            if (end >= 2 && line.charAt(end - 2) == '\\') {
                break;
            }
            end--;
        }
        return line.substring(0, end);
    }

    private static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        String[] segments = glob.split("/", -1);
        for (int s = 0; s < segments.length; s++) {
            String segment = segments[s];
            boolean last = s == segments.length - 1;
            if (segment.equals("**")) {
                // a/**/b: zero or more directories; **/x: at any depth; x/**: everything inside
                out.append(last ? ".*" : "(?:[^/]*/)*");
                continue;
            }
            segment(segment, out);
            if (!last) {
                out.append('/');
            }
        }
        return out.toString();
    }

    private static void segment(String segment, StringBuilder out) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            switch (c) {
                case '*' -> {
                    while (i + 1 < segment.length() && segment.charAt(i + 1) == '*') {
                        i++; // "**" inside a segment is an ordinary star
                    }
                    out.append("[^/]*");
                }
                case '?' -> out.append("[^/]");
                case '[' -> i = characterClass(segment, i, out);
                case '\\' -> {
                    if (i + 1 < segment.length()) {
                        out.append(Pattern.quote(String.valueOf(segment.charAt(++i))));
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
    }

    /** {@code [...]} from {@code open}; returns the index of its {@code ]}, or quotes a lone {@code [}. */
    private static int characterClass(String segment, int open, StringBuilder out) {
        int i = open + 1;
        if (i < segment.length() && (segment.charAt(i) == '!' || segment.charAt(i) == '^')) {
            i++;
        }
        if (i < segment.length() && segment.charAt(i) == ']') {
            i++; // a ']' right after the opening is a member
        }
        while (i < segment.length() && segment.charAt(i) != ']') {
            i++;
        }
        if (i >= segment.length()) {
            out.append(Pattern.quote("["));
            return open;
        }
        StringBuilder cls = new StringBuilder("[");
        int j = open + 1;
        if (segment.charAt(j) == '!' || segment.charAt(j) == '^') {
            cls.append('^');
            j++;
        }
        for (; j < i; j++) {
            char c = segment.charAt(j);
            if (c == '\\' || c == '[' || c == '&' || c == '^' || c == ']') {
                cls.append('\\');
            }
            cls.append(c);
        }
        // never a '/', whatever the class says (git matches paths, not names)
        out.append("(?:(?!/)").append(cls).append("])");
        return i;
    }
}

package io.botdelivery.example.console;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A two-column text table (label | value) for end-of-run summaries; values are right-aligned. */
public final class Table {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    public Table row(String label, Object value) {
        rows.add(new String[] {label, String.valueOf(value)});
        return this;
    }

    public void print(PrintStream out) {
        out.print(render());
        out.flush();
    }

    public String render() {
        int left = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int right = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        int width = Math.max(title.length(), left + right + 3);
        right = width - left - 3;
        String rule = "+" + "-".repeat(left + 2) + "+" + "-".repeat(right + 2) + "+";
        StringBuilder sb = new StringBuilder();
        sb.append("+").append("-".repeat(width + 2)).append("+\n");
        sb.append("| ").append(pad(title, width)).append(" |\n");
        sb.append(rule).append('\n');
        for (String[] row : rows) {
            sb.append("| ").append(pad(row[0], left)).append(" | ").append(padLeft(row[1], right)).append(" |\n");
        }
        sb.append(rule).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}

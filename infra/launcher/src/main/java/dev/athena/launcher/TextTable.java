package dev.athena.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Rows printed in columns as wide as their widest cell: text to the left, numbers to the right. */
final class TextTable {
    private TextTable() {
    }

    /**
     * A row per element of the gateway's JSON array {@code items}, under {@code header}; {@code whenEmpty} alone
     * when the array is empty.
     *
     * @param firstNumber the index of the first column of numbers (all columns from there are right-aligned)
     */
    static void print(List<String> header, JsonNode items, Function<JsonNode, List<String>> row, int firstNumber,
            String whenEmpty, PrintStream out) {
        if (items.isEmpty()) {
            out.println(whenEmpty);
            return;
        }
        print(header, items.valueStream().map(row).toList(), firstNumber, out);
    }

    /** @param rows every row as long as the header */
    static void print(List<String> header, List<List<String>> rows, int firstNumber, PrintStream out) {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        all.forEach(row -> {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        all.forEach(row -> out.println(line(row, widths, firstNumber)));
    }

    /** A value of the gateway's JSON as a cell: {@code -} for a missing or null one. */
    static String cell(JsonNode value) {
        return value == null || value.isNull() ? "-" : value.asString();
    }

    private static String line(List<String> row, int[] widths, int firstNumber) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String cell = row.get(i);
            String pad = " ".repeat(widths[i] - cell.length());
            line.append(i < firstNumber ? cell + pad : pad + cell);
        }
        return line.toString().stripTrailing();
    }
}

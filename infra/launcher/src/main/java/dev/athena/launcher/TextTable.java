package dev.athena.launcher;

import java.io.PrintStream;
import java.util.List;

/** Rows printed in columns as wide as their widest cell: text to the left, numbers to the right. */
final class TextTable {
    private TextTable() {
    }

    /**
     * @param rows the header first; every row as long as the header
     * @param firstNumber the index of the first column of numbers (all columns from there are right-aligned)
     */
    static void print(List<List<String>> rows, int firstNumber, PrintStream out) {
        int[] widths = new int[rows.getFirst().size()];
        rows.forEach(row -> {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        rows.forEach(row -> out.println(line(row, widths, firstNumber)));
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

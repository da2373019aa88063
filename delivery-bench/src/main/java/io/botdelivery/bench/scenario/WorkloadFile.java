package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Priority;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The workload as a CSV file the coordinator writes and every instance reads its share from. */
public final class WorkloadFile {
    static final String HEADER = "seq,offset_ms,instance,key,chat_id,kind,items,paid,policy,priority,expectation";

    private WorkloadFile() {
    }

    public static void write(Path file, List<WorkItem> items) {
        List<String> lines = new ArrayList<>(items.size() + 1);
        lines.add(HEADER);
        for (WorkItem i : items) {
            lines.add(i.seq() + "," + i.offsetMillis() + "," + i.instance() + "," + i.key() + "," + i.chatId() + ","
                    + i.kind() + "," + i.items() + "," + i.paidBroadcast() + "," + i.policy() + "," + i.priority() + ","
                    + i.expectation());
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the workload to " + file, e);
        }
    }

    public static List<WorkItem> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the workload from " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(file + " is not a workload file (header " + HEADER + ")");
        }
        List<WorkItem> items = new ArrayList<>(lines.size() - 1);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            items.add(new WorkItem(Integer.parseInt(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3],
                    Long.parseLong(f[4]), WorkKind.valueOf(f[5]), Integer.parseInt(f[6]), Boolean.parseBoolean(f[7]),
                    AmbiguousOutcomePolicy.valueOf(f[8]), Priority.valueOf(f[9]), Expectation.valueOf(f[10])));
        }
        return items;
    }
}

package io.botdelivery.bench.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One instance slot's resource use over a run, all its incarnations together.
 *
 * @param slot         the instance
 * @param incarnations how many JVMs ran in the slot (1 + restarts)
 * @param cpuCores     CPU used, in cores (1.0 = one core busy all the time), averaged over the time it ran
 * @param heapMaxMb    the most heap in use at any report
 * @param heapMeanMb   heap in use, averaged over reports
 */
public record InstanceUsage(int slot, int incarnations, double cpuCores, double heapMaxMb, double heapMeanMb) {

    static List<InstanceUsage> of(List<InstanceSample> samples) {
        Map<Integer, List<InstanceSample>> bySlot = samples.stream()
                .collect(Collectors.groupingBy(InstanceSample::slot, TreeMap::new, Collectors.toList()));
        List<InstanceUsage> usage = new ArrayList<>();
        bySlot.forEach((slot, list) -> {
            Map<Integer, List<InstanceSample>> byIncarnation = list.stream()
                    .collect(Collectors.groupingBy(InstanceSample::incarnation));
            long cpu = 0;
            long wallMillis = 0;
            for (List<InstanceSample> one : byIncarnation.values()) {
                List<InstanceSample> sorted = one.stream().sorted(Comparator.comparingLong(InstanceSample::atMillis)).toList();
                InstanceSample first = sorted.get(0);
                InstanceSample last = sorted.get(sorted.size() - 1);
                cpu += last.cpuNanos() - first.cpuNanos();
                wallMillis += last.atMillis() - first.atMillis();
            }
            double cores = wallMillis > 0 ? cpu / 1e6 / wallMillis : 0;
            double max = list.stream().mapToLong(InstanceSample::heapUsed).max().orElse(0) / 1048576.0;
            double mean = list.stream().mapToLong(InstanceSample::heapUsed).average().orElse(0) / 1048576.0;
            usage.add(new InstanceUsage(slot, byIncarnation.size(), cores, max, mean));
        });
        return usage;
    }
}

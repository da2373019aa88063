package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Draws messages accepted per second against the budget line, one panel per scenario stacked on a shared time axis,
 * chaos events marked: so a person can see that sends hug the line and never cross it.
 */
public final class SendRateChart {
    private static final Color STANDARD = new Color(0x1f77b4);
    private static final Color PAID = new Color(0x2ca02c);
    private static final Color BUDGET = new Color(0xd62728);
    private static final Color FAULT = new Color(0x7f7f7f);
    private static final int PANEL_HEIGHT = 220;
    private static final int WIDTH = 1200;

    private SendRateChart() {
    }

    /** Writes a PNG with one panel per result. */
    public static void write(List<ScenarioResult> results, String title, Path file) {
        System.setProperty("java.awt.headless", "true");
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis("seconds since the scenario started"));
        combined.setGap(12);
        for (int i = 0; i < results.size(); i++) {
            // every panel has the same two series: only the first one's go in the legend
            combined.add(panel(results.get(i), i == 0), 1);
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), combined, true);
        chart.addSubtitle(new TextTitle("blue: standard lane, green: paid-broadcast lane (messages accepted per second); "
                + "red: the standard lane's budget (30/s); grey lines: faults"));
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, 120 + PANEL_HEIGHT * Math.max(1, results.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the chart " + file, e);
        }
    }

    private static XYPlot panel(ScenarioResult r, boolean inLegend) {
        RateSeries s = r.series();
        XYSeries standard = new XYSeries("standard lane /s");
        XYSeries paid = new XYSeries("paid lane /s");
        for (int i = 0; i < s.seconds(); i++) {
            standard.add(i + 0.5, s.standard()[i]);
            paid.add(i + 0.5, s.paid()[i]);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(standard);
        data.addSeries(paid);
        NumberAxis y = new NumberAxis(r.scenario().name());
        y.setRange(0, Math.max(r.budgetPerSecond(), Math.max(max(s.standard()), max(s.paid()))) * 1.25);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, STANDARD);
        renderer.setSeriesPaint(1, PAID);
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        renderer.setSeriesStroke(1, new BasicStroke(1.0f));
        renderer.setSeriesVisibleInLegend(0, inLegend);
        renderer.setSeriesVisibleInLegend(1, inLegend);
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        ValueMarker budget = new ValueMarker(r.budgetPerSecond(), BUDGET, new BasicStroke(1.5f));
        budget.setLabel("budget " + Math.round(r.budgetPerSecond()) + "/s");
        budget.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        budget.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(budget);
        ValueMarker offerEnd = new ValueMarker(r.scenario().workload().offerFor().toSeconds(), new Color(0x9467bd),
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[]{4f, 4f}, 0f));
        offerEnd.setLabel("offering stops");
        offerEnd.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        offerEnd.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(offerEnd);
        for (ChaosEvent e : r.chaosEvents()) {
            double at = Duration.between(r.startedAt(), e.at()).toMillis() / 1000.0;
            ValueMarker m = new ValueMarker(at, FAULT, new BasicStroke(1f));
            if (e.kind() != ChaosEvent.Kind.KILL && e.kind() != ChaosEvent.Kind.POSTGRES_SESSIONS_TERMINATED) {
                m.setLabel(e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                m.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
                m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            }
            plot.addDomainMarker(m);
        }
        return plot;
    }

    private static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}

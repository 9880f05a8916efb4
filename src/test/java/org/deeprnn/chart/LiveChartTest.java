package org.deeprnn.chart;

import org.deeprnn.train.EpochResult;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LiveChartTest {
    @Test
    void firstEpochDisplaysThenLaterEpochsUpdateTheSameOutput() {
        List<String> calls = new ArrayList<>();
        LineChart chart = new LineChart("perplexity", "epoch", "perplexity");
        LiveChart live = new LiveChart(chart, "2 layers", img -> {
            calls.add("display " + img.getWidth());
            return "id-1";
        }, (id, img) -> calls.add("update " + id));
        int total = 300;
        for (int e = 1; e <= total; e++) {
            live.onEpoch(EpochResult.ofPerplexity(e, 30.0 / e + 1, Double.NaN, 100, 0.1, 1), total);
        }
        assertEquals("display " + LineChart.DEFAULT_WIDTH, calls.get(0));
        assertTrue(calls.subList(1, calls.size()).stream().allMatch(c -> c.equals("update id-1")));
        assertEquals(1 + total / 3, calls.size(), "redrawn every third epoch for 300 epochs (about 100 pictures), the first shown at once");
        assertEquals(total, chart.size("2 layers"));
        assertEquals(List.of("2 layers"), chart.seriesNames());
    }

    @Test
    void aRegressionModelsLossIsDrawnAsIs() {
        LineChart chart = new LineChart("loss", "epoch", "mean squared error");
        LiveChart live = new LiveChart(chart, "3 layers", img -> "x", (id, img) -> { });
        live.onEpoch(new EpochResult(1, 0.25, 0.3, 100, 0.1, 1, false), 2);
        live.onEpoch(new EpochResult(2, 0.125, 0.2, 100, 0.1, 1, false), 2);
        assertEquals(List.of("3 layers", "3 layers (validation)"), chart.seriesNames());
        assertEquals(2, chart.size("3 layers"));
        assertArrayEquals(new double[]{0.25, 0.125}, chart.xchart().getSeriesMap().get("3 layers").getYData(), 0.0,
                "the loss itself, not exp of it");
    }

    @Test
    void validationPerplexityGetsItsOwnSeries() {
        LineChart chart = new LineChart("perplexity", "epoch", "perplexity");
        LiveChart live = new LiveChart(chart, "GRU", img -> "x", (id, img) -> { });
        live.onEpoch(EpochResult.ofPerplexity(1, 9, 10, 100, 0.1, 1), 2);
        live.onEpoch(EpochResult.ofPerplexity(2, 5, 6, 100, 0.1, 1), 2);
        assertEquals(List.of("GRU", "GRU (validation)"), chart.seriesNames());
        assertEquals(2, chart.size("GRU (validation)"));
    }

    @Test
    void theValidationSeriesCanBeNamed() {
        LineChart chart = new LineChart("perplexity", "epoch", "perplexity");
        LiveChart live = new LiveChart(chart, "training", img -> "x", (id, img) -> { }).validationSeries("validation");
        live.onEpoch(EpochResult.ofPerplexity(1, 9, 10, 100, 0.1, 1), 1);
        assertEquals(List.of("training", "validation"), chart.seriesNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> live.validationSeries("training"));
        assertTrue(e.getMessage().contains("name of its own"), e.getMessage());
    }
}

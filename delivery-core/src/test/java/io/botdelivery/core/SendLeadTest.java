package io.botdelivery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SendLeadTest {

    @Test
    @DisplayName("before anything is measured a send gets ready on its slot, as it always did")
    void noLeadUntilMeasured() {
        assertThat(new SendLead().lead()).isZero();
    }

    @Test
    @DisplayName("steady 2 ms to get ready: the lead settles just above it")
    void steadyHostKeepsASmallLead() {
        SendLead lead = new SendLead();
        for (int i = 0; i < 200; i++) {
            lead.gotReady(Duration.ofMillis(2));
        }
        assertThat(lead.lead()).isBetween(Duration.ofMillis(2), Duration.ofMillis(3));
    }

    @Test
    @DisplayName("getting ready that varies widens the lead beyond its mean, so the slow ones still make their slot")
    void varianceWidensTheLead() {
        SendLead lead = new SendLead();
        for (int i = 0; i < 200; i++) {
            lead.gotReady(Duration.ofMillis(i % 2 == 0 ? 2 : 18));
        }
        assertThat(lead.lead()).isGreaterThan(Duration.ofMillis(18));
    }

    @Test
    @DisplayName("a stall counts, but the lead never exceeds its cap")
    void capped() {
        SendLead lead = new SendLead();
        lead.gotReady(Duration.ofSeconds(3));
        assertThat(lead.lead()).isEqualTo(SendLead.MAX);
    }

    @Test
    @DisplayName("a negative sample (the clock went back) counts as zero")
    void negativeSamplesCountAsZero() {
        SendLead lead = new SendLead();
        lead.gotReady(Duration.ofMillis(-50));
        assertThat(lead.lead()).isZero();
    }
}

package io.botdelivery.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PreparationLeadTest {
    private final PreparationLead lead = new PreparationLead();

    @Test
    void noLeadUntilAPreparationWasMeasured() {
        assertThat(lead.lead()).isZero();
    }

    @Test
    void steadyPreparationsGiveALeadJustAboveWhatTheyTake() {
        for (int i = 0; i < 100; i++) {
            lead.record(Duration.ofMillis(10));
        }
        assertThat(lead.lead()).isBetween(Duration.ofMillis(10), Duration.ofMillis(11));
    }

    @Test
    void varyingPreparationsGiveRoomForTheirSpread() {
        for (int i = 0; i < 100; i++) {
            lead.record(Duration.ofMillis(i % 2 == 0 ? 5 : 25));
        }
        assertThat(lead.lead()).as("mean 15 ms plus four deviations of about 10 ms").isBetween(Duration.ofMillis(45), Duration.ofMillis(60));
    }

    @Test
    void cappedSoThePauseReadIsNeverMuchOlderThanTheSend() {
        lead.record(Duration.ofSeconds(3));
        assertThat(lead.lead()).isEqualTo(PreparationLead.MAX);
    }

    @Test
    void followsFasterPreparationsDown() {
        lead.record(Duration.ofMillis(80));
        for (int i = 0; i < 200; i++) {
            lead.record(Duration.ofMillis(2));
        }
        assertThat(lead.lead()).isLessThan(Duration.ofMillis(3));
    }
}

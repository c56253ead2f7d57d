package org.amihes.association.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentResultsTest {

    @Test
    void keepsTheNewestUpToItsCapacity() {
        RecentResults<String> recent = new RecentResults<>(3);
        for (int i = 1; i <= 5; i++) {
            recent.remember("job-" + i, "result-" + i);
        }
        assertThat(recent.size()).isEqualTo(3);
        assertThat(recent.find("job-1")).isEmpty();
        assertThat(recent.find("job-2")).isEmpty();
        assertThat(recent.find("job-3")).contains("result-3");
        assertThat(recent.find("job-5")).contains("result-5");
    }

    @Test
    void aRepeatedJobKeepsItsLatestResult() {
        RecentResults<String> recent = new RecentResults<>(2);
        recent.remember("job-1", "first");
        recent.remember("job-1", "second");
        assertThat(recent.find("job-1")).contains("second");
        assertThat(recent.size()).isEqualTo(1);
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new RecentResults<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

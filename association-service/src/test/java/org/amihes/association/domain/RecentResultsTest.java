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
    void forgetsTheOldestUntilTheWeightFits() {
        RecentResults<String> recent = new RecentResults<>(100, 10, String::length);
        recent.remember("job-1", "aaaa");
        recent.remember("job-2", "bbbb");
        assertThat(recent.weight()).isEqualTo(8);
        recent.remember("job-3", "cccc");
        assertThat(recent.find("job-1")).isEmpty();
        assertThat(recent.find("job-2")).contains("bbbb");
        assertThat(recent.find("job-3")).contains("cccc");
        assertThat(recent.weight()).isEqualTo(8);
        recent.remember("job-3", "cc");
        assertThat(recent.weight()).isEqualTo(6);
        recent.remember("job-4", "d".repeat(11));
        assertThat(recent.size()).isZero();
        assertThat(recent.weight()).isZero();
    }

    @Test
    void aForgottenResultIsGoneWithItsWeight() {
        RecentResults<String> recent = new RecentResults<>(100, 100, String::length);
        recent.remember("job-1", "aaaa");
        recent.remember("job-2", "bb");
        recent.forget("job-1");
        recent.forget("job-3"); // never held: nothing changes
        assertThat(recent.find("job-1")).isEmpty();
        assertThat(recent.find("job-2")).contains("bb");
        assertThat(recent.size()).isEqualTo(1);
        assertThat(recent.weight()).isEqualTo(2);
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new RecentResults<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

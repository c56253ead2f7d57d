package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The push event on the wire (README "Push listener"), and what its constructor refuses. */
class MeterPushEventTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static MeterPushEvent event(String meterId, boolean ciphered, long counter) {
        return new MeterPushEvent("e-1", meterId, "aurora-ax1", MeterPushEvent.Kind.DATA, "0.0.25.9.0.255", "TCP",
                ciphered, counter, Instant.parse("2026-06-15T08:00:00Z"), Instant.parse("2026-06-15T08:00:01Z"),
                List.of(new MeterPushEvent.PushedValue(3, "1.0.1.8.0.255", 2, "integer", "12345", 1, "Wh",
                        new BigDecimal("123450"))));
    }

    @Test
    void travelsAsDocumentedAndReadsBack() throws Exception {
        MeterPushEvent e = event("M1", true, 7);
        String wire = JSON.writeValueAsString(e);
        assertThat(wire).contains("\"meterId\":\"M1\"").contains("\"kind\":\"DATA\"")
                .contains("\"pushSetup\":\"0.0.25.9.0.255\"").contains("\"meterTime\":\"2026-06-15T08:00:00Z\"")
                .contains("\"obis\":\"1.0.1.8.0.255\"").contains("\"scaled\":123450").doesNotContain("routingKey");
        assertThat(JSON.readValue(wire, MeterPushEvent.class)).isEqualTo(e);
        assertThat(e.routingKey()).isEqualTo("push.data");
    }

    @Test
    void refusesWhatItCannotBe() {
        assertThatThrownBy(() -> event(" ", false, -1)).isInstanceOf(ContractViolation.class).hasMessage("meterId: required");
        assertThatThrownBy(() -> event("M1", false, 5)).isInstanceOf(ContractViolation.class)
                .hasMessageStartingWith("invocationCounter");
        assertThatThrownBy(() -> new MeterPushEvent.PushedValue(3, "1.0.1.8.0", 2, "integer", "1", null, null, null))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("obis");
        assertThatThrownBy(() -> JSON.readValue("{\"eventId\":\"e\",\"meterId\":\"M1\",\"kind\":\"DATA\","
                + "\"transport\":\"TCP\",\"ciphered\":false,\"invocationCounter\":-1}", MeterPushEvent.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("receivedAt: required");
    }
}

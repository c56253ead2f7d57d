package org.amihes.service.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemMappersTest {

    @Test
    void fieldsAreListedInReadingOrderWithIndexesComparedAsNumbers() {
        List<String> fields = new ArrayList<>(List.of("meterIds[10]", "registers[0]", "meterIds[2]", "meterIds",
                "group.meterIds[100]", "meterIds[1]", "group.meterIds[20]", "meterIds[007]", "a2b", "a10b"));
        fields.sort(ProblemMappers::naturally);
        assertThat(fields).containsExactly("a2b", "a10b", "group.meterIds[20]", "group.meterIds[100]", "meterIds",
                "meterIds[1]", "meterIds[2]", "meterIds[007]", "meterIds[10]", "registers[0]");
    }
}

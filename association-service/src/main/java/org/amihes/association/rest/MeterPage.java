package org.amihes.association.rest;

import java.util.List;
import org.amihes.association.domain.Meter;

public record MeterPage(int total, int offset, int limit, List<Meter> meters) {
}

package org.amihes.association;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import org.amihes.simulator.MeterSpec;
import org.amihes.simulator.VendorProfile;

/** Simulated meters registered through the REST API as their vendor profile says, read by the public client. */
final class TestMeters {

    private TestMeters() {
    }

    /** {@code PUT /meters/{id}} for each meter: public client (16), no authentication; 201 expected (new ids). */
    static void registerPublic(Iterable<MeterSpec> meters) {
        for (MeterSpec m : meters) {
            VendorProfile p = VendorProfile.load(m.profile());
            given().contentType(ContentType.JSON).body(Map.of("meterId", m.meterId(), "vendor", p.name(), "host", m.host(),
                            "port", m.port(), "transport", p.framing() == VendorProfile.Framing.HDLC ? "TCP_HDLC" : "TCP_WRAPPER",
                            "clientAddress", 16, "logicalDevice", 1, "authentication", "NONE"))
                    .put("/meters/" + m.meterId()).then().statusCode(201);
        }
    }
}

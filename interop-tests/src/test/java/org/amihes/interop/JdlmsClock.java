package org.amihes.interop;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * COSEM Clock (class id 8, version 0) served by jDLMS, frozen at one date-time: time (2) as the standard's
 * octet-string(12), time_zone (3), status (4). Read-only.
 */
@CosemClass(id = 8, version = 0)
public final class JdlmsClock extends CosemInterfaceObject {

    public static final String OBIS = "0.0.1.0.0.255";

    @CosemAttribute(id = 2, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject time;

    @CosemAttribute(id = 3, type = Type.LONG_INTEGER, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject timeZone;

    @CosemAttribute(id = 4, type = Type.UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject status;

    public JdlmsClock(CosemDateTime now) {
        super(OBIS);
        this.time = DataObject.newOctetStringData(now.encode());
        this.timeZone = DataObject.newInteger16Data((short) 0);
        this.status = DataObject.newUInteger8Data((short) 0);
    }
}

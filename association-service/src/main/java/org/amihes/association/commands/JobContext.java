package org.amihes.association.commands;

import org.amihes.association.domain.MeterCredentials;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.SecurityObjects;

/**
 * What a {@link CommandHandler} works with: the open association and how it was made.
 *
 * @param credentials the meter's profile and keys, null for a meter without a security profile
 * @param keyVersion  the key version the association uses, null without keys
 */
public record JobContext(DlmsSession session, MeterCredentials credentials, Integer keyVersion) {

    public SecurityObjects securityObjects() {
        return credentials == null ? SecurityObjects.FIND_ON_METER : credentials.objects();
    }
}

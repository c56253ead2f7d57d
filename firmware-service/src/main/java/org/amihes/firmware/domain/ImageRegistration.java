package org.amihes.firmware.domain;

/**
 * Decides what an upload means given what is already stored. Content is the identity of an image, and
 * identifier+version is the name the meter sees, so neither may point at two different things.
 */
public final class ImageRegistration {

    public enum Verdict {
        /** nothing matches: store it */
        NEW,
        /** the very same upload was made before: answer with the stored image */
        ALREADY_REGISTERED,
        /** content or name is already taken by something else */
        CONFLICT
    }

    private ImageRegistration() {
    }

    /**
     * @param sameContent the stored image with the uploaded digest, or null
     * @param sameName    the stored image with the requested identifier and version, or null
     */
    public static Verdict decide(String identifier, String version, ImageMetadata sameContent, ImageMetadata sameName) {
        return decide(identifier, version, null, null, sameContent, sameName);
    }

    /** Also the devices: the same bytes declared for another vendor or model are a conflict, not a repeat. */
    public static Verdict decide(String identifier, String version, String vendor, String model,
                                 ImageMetadata sameContent, ImageMetadata sameName) {
        if (sameContent != null) {
            boolean sameDevices = vendor == null || vendor.equals(sameContent.vendor()) && model.equals(sameContent.model());
            return named(sameContent, identifier, version) && sameDevices ? Verdict.ALREADY_REGISTERED : Verdict.CONFLICT;
        }
        return sameName == null ? Verdict.NEW : Verdict.CONFLICT;
    }

    /** Says which stored image the upload collides with, for the 409 detail. */
    public static String conflictDetail(String identifier, String version, ImageMetadata sameContent,
            ImageMetadata sameName) {
        if (sameContent != null && sameContent.identifier().equals(identifier) && sameContent.version().equals(version)) {
            return "these bytes (sha256 " + sameContent.sha256() + ") are already registered for vendor '"
                    + sameContent.vendor() + "' model '" + sameContent.model() + "' (id " + sameContent.id() + ")";
        }
        if (sameContent != null) {
            return "these bytes (sha256 " + sameContent.sha256() + ") are already registered as image '"
                    + sameContent.identifier() + "' version '" + sameContent.version() + "' (id " + sameContent.id()
                    + ")";
        }
        return "image '" + identifier + "' version '" + version + "' already exists with different content (id "
                + sameName.id() + ", sha256 " + sameName.sha256() + ")";
    }

    private static boolean named(ImageMetadata image, String identifier, String version) {
        return image.identifier().equals(identifier) && image.version().equals(version);
    }
}

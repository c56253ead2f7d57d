package org.amihes.firmware.campaign;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.amihes.firmware.domain.ImageMetadata;

/** Image metadata for the campaign engine (JDBC, cached: an image never changes once stored). */
@ApplicationScoped
public class ImageCatalog {

    private final DataSource db;
    private final Map<UUID, ImageMetadata> cache = new ConcurrentHashMap<>();

    public ImageCatalog(DataSource db) {
        this.db = db;
    }

    /** @throws SQLException also when there is no such image */
    public ImageMetadata image(UUID id) throws SQLException {
        ImageMetadata cached = cache.get(id);
        if (cached != null) {
            return cached;
        }
        ImageMetadata found = find(id);
        if (found == null) {
            throw new SQLException("no image " + id);
        }
        cache.put(id, found);
        return found;
    }

    /** @return null when there is no such image */
    public ImageMetadata find(UUID id) throws SQLException {
        try (Connection con = db.getConnection(); PreparedStatement ps = con.prepareStatement(
                "SELECT id, identifier, version, size, sha256, created_at, vendor, model FROM firmware.firmware_image "
                        + "WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ImageMetadata(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getString(7),
                        rs.getString(8)) : null;
            }
        }
    }
}

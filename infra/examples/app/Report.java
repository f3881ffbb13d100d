import java.io.ObjectInputStream;
import java.sql.Connection;
import java.sql.ResultSet;

class Report {
    private static final String PASSWORD = "hunter2-production";

    ResultSet byOwner(Connection c, String owner) throws Exception {
        return c.createStatement().executeQuery("select * from reports where owner = '" + owner + "'");
    }

    Object load(java.io.InputStream in) throws Exception {
        return new ObjectInputStream(in).readObject();
    }

    int grade(int score, boolean late, boolean resubmitted) {
        if (score > 90) {
            if (late) {
                if (resubmitted) {
                    return 2;
                }
                return 3;
            }
            return 4;
        } else if (score > 50) {
            return late ? 1 : 2;
        }
        return 0;
    }
}

// Stand-in for javax.activation.FileDataSource: a file read as a stream, nothing more.
package javax.activation;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

public class FileDataSource implements DataSource {
    private final File file;

    public FileDataSource(File file) {
        this.file = file;
    }

    public FileDataSource(String name) {
        this(new File(name));
    }

    public InputStream getInputStream() throws IOException {
        return new FileInputStream(file);
    }

    public OutputStream getOutputStream() throws IOException {
        throw new IOException("read-only");
    }

    public String getContentType() {
        return "application/pdf";
    }

    public String getName() {
        return file.getName();
    }

    public File getFile() {
        return file;
    }
}

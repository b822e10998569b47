"""Debian's Apache httpd as the tests run it: one port on 127.0.0.1, the scratch directory `root`
as its server root and `root/www` as its document root, the modules the checks need; `indexes`
is the document root's Options, `extra` the lines that make a variant."""

MODULES = "/usr/lib/apache2/modules"
CONF = """ServerRoot {root}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {root}/apache2.pid
ErrorLog {root}/error.log
DefaultRuntimeDir {root}
Mutex file:{root} default
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule autoindex_module {modules}/mod_autoindex.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule headers_module {modules}/mod_headers.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
User www-data
Group www-data
DocumentRoot {root}/www
<Directory {root}/www>
  Require all granted
  Options {indexes}
</Directory>
{extra}
"""


def apache_conf(root, port, *, indexes="-Indexes", extra=""):
    return CONF.format(root=root, port=port, modules=MODULES, indexes=indexes, extra=extra)

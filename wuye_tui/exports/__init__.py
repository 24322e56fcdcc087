"""CSV / XLSX / JSON writers and report builders."""

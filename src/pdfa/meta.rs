//! The document-level parts PDF/A-2b asks for, kept in agreement: the Info dictionary and the
//! XMP packet carry the same title, creator tool, producer and dates (the batch time, never
//! the export time, so the same archive gives the same bytes); the XMP declares
//! `pdfaid:part=2`, `conformance=B`. Also the glyphless font's ToUnicode CMap. Called by
//! `pdfa::doc`.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// What the document says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct DocMeta {
    pub title: String,
    pub creator: String,
    pub created: DateTime<Utc>,
}

impl DocMeta {
    pub fn pdf_date(&self) -> pdf_writer::Date {
        let c = self.created;
        pdf_writer::Date::new(u16::try_from(c.year()).unwrap_or(2000))
            .month(c.month() as u8)
            .day(c.day() as u8)
            .hour(c.hour() as u8)
            .minute(c.minute() as u8)
            .second(c.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0)
    }

    /// The XMP packet, UTF-8.
    pub fn xmp(&self) -> String {
        let date = self.created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let title = escape(&self.title);
        let creator = escape(&self.creator);
        format!(
            r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<pdf:Producer>{creator}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Maps every 2-byte code to the Unicode code unit of the same value.
pub const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_declares_pdfa_2b_and_escapes_the_title() {
        let meta = DocMeta {
            title: "HS <1> & Hồ sơ".to_string(),
            creator: "sohoa 0.1.0".to_string(),
            created: DateTime::parse_from_rfc3339("2026-11-22T07:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        };
        let xmp = meta.xmp();
        assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(xmp.contains("HS &lt;1&gt; &amp; Hồ sơ"));
        assert!(xmp.contains("<xmp:CreateDate>2026-11-22T07:00:00Z</xmp:CreateDate>"));
    }
}

package cmlog

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

var (
	benchOnce sync.Once
	benchData []byte
)

// benchLog builds ~100 MB of realistic mixed log lines once: mostly $$
// trailer lines (some multi-line), CMTrace lines, SUPSetup lines and plain
// lines, with CRLF endings.
func benchLog() []byte {
	benchOnce.Do(func() {
		const target = 100 << 20
		var b bytes.Buffer
		b.Grow(target + 4096)
		for i := 0; b.Len() < target; i++ {
			ms := i % 1000
			switch i % 20 {
			case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10:
				fmt.Fprintf(&b, "Attempting connection to WSUS server: SUP01.CONTOSO.COM, port: 8530, useSSL: False  $$<SMS_WSUS_CONFIGURATION_MANAGER><05-12-2010 09:14:02.%03d+420><thread=3412 (0xD54)>\r\n", ms)
			case 11:
				fmt.Fprintf(&b, "Failed to set Subscriptions on the WSUS Server. Error:(-2146233088)\r\nSystem.Net.WebException: The request failed with HTTP status 503: Service Unavailable.~~  $$<SMS_WSUS_CONFIGURATION_MANAGER><05-12-2010 09:14:04.%03d+420><thread=3412 (0xD54)>\r\n", ms)
			case 12, 13, 14, 15:
				fmt.Fprintf(&b, "<![LOG[Scan results will include superseded updates only when they are superseded by service packs and definition updates.]LOG]!><time=\"07:35:32.%03d+420\" date=\"05-12-2010\" component=\"WUAHandler\" context=\"\" type=\"1\" thread=\"2720\" file=\"cwuahandler.cpp:2090\">\r\n", ms)
			case 16, 17:
				b.WriteString("<02/09/14 22:53:28> Found supported assembly Microsoft.UpdateServices.Administration version 4.0.0.0, file version 6.2.9200.16384\r\n")
			default:
				b.WriteString(" Registered DLL E:\\ConfigMgr\\bin\\x64\\wsusmsp.dll\r\n")
			}
		}
		benchData = b.Bytes()
	})
	return benchData
}

// BenchmarkScan100MB scans ~100 MB of mixed log lines; run with
// `go test -run='^$' -bench=BenchmarkScan100MB ./collectors/evidence/cmlog/`
// to get MB/s.
func BenchmarkScan100MB(b *testing.B) {
	data := benchLog()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), "bench.log")
		n := 0
		for s.Scan() {
			n++
		}
		if s.Err() != nil || n == 0 {
			b.Fatal(s.Err(), n)
		}
	}
}

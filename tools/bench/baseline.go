package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/pion/rtp"
)

// runBaseline is the child process of the comparison: a bare gortsplib
// client per URL that appends RTP payloads to a file, nothing else.
func runBaseline(args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	dir := fs.String("dir", "", "output folder")
	urls := fs.String("urls", "", "comma-separated RTSP URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i, raw := range strings.Split(*urls, ",") {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := pull(ctx, raw, filepath.Join(*dir, fmt.Sprintf("%02d.rtp", i))); err != nil && ctx.Err() == nil {
				errs <- err
			}
		}()
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		return err
	}
	wg.Wait()
	return nil
}

func pull(ctx context.Context, raw, path string) error {
	u, err := base.ParseURL(raw)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	defer w.Flush()
	var mu sync.Mutex
	c := gortsplib.Client{Scheme: u.Scheme, Host: u.Host, Protocol: ptr(gortsplib.ProtocolTCP)}
	if err := c.Start(); err != nil {
		return err
	}
	defer c.Close()
	desc, _, err := c.Describe(u)
	if err != nil {
		return err
	}
	if err := c.SetupAll(desc.BaseURL, desc.Medias); err != nil {
		return err
	}
	c.OnPacketRTPAny(func(_ *description.Media, _ format.Format, pkt *rtp.Packet) {
		mu.Lock()
		_, _ = w.Write(pkt.Payload)
		mu.Unlock()
	})
	if _, err := c.Play(nil); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		c.Close()
	}()
	err = c.Wait()
	mu.Lock()
	defer mu.Unlock()
	return err
}

func ptr[T any](v T) *T { return &v }

package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"skyguard/firmware/config"
	"skyguard/firmware/diskhealth"
	"skyguard/firmware/frontpanel"
	"skyguard/firmware/update"
	"skyguard/firmware/volume"
	"skyguard/recorder/ring"
	"skyguard/recorder/rtspserve"
	"skyguard/webui"
	"skyguard/webui/live"
)

// Options are the knobs the command line adds to the config file.
type Options struct {
	Logger *slog.Logger
	// Listener, when set, is used instead of listening on cfg.HTTP.Listen
	// (tests pass a loopback listener on port 0).
	Listener net.Listener
	// Ready, when set, is called once storage is open and cameras started.
	Ready func(a *App)
	// DiskFree reports the free bytes of a filesystem; nil uses statfs.
	DiskFree func(path string) (int64, error)
	// NewIndex: an index written by a newer firmware (after a fall-back
	// to the old slot) is moved aside and rebuilt from the slots instead
	// of refusing to start.
	NewIndex bool
}

// App is a running box.
type App struct {
	cfg     *config.Config
	log     *slog.Logger
	started time.Time
	cams    []*camera
	byID    map[string]*camera
	store   *volume.Supervisor // the ring, reopened by itself after a disk fault
	disk    *diskhealth.Monitor
	addr    net.Addr
	rtsp    *rtspserve.Server // nil when the re-serve is off
	live    *live.Manager     // nil when live view could not start
	update  *update.Service   // firmware updates (update.go)
}

// Addr is the web server's address.
func (a *App) Addr() net.Addr { return a.addr }

// Run runs the box until ctx ends. Start-up errors (bad storage, port in
// use) are returned at once; after that Run returns nil on a clean stop.
func Run(ctx context.Context, cfg *config.Config, opt Options) error {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	free := opt.DiskFree
	if free == nil {
		free = DiskFree
	}
	if err := cfg.CheckDisk(free); err != nil {
		return err
	}
	ln := opt.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.HTTP.Listen); err != nil {
			return fmt.Errorf("http: listen %s: %w", cfg.HTTP.Listen, err)
		}
	}
	defer ln.Close()

	// The panel board opens before storage: a missing GPIO line fails
	// start-up with nothing else to undo.
	hw, err := frontpanel.OpenBoard(cfg.Board.Kind, cfg.Board.Profile, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := frontpanel.CloseBoard(hw); err != nil {
			log.Warn("front panel: close", "err", err)
		}
	}()

	if opt.NewIndex {
		aside, err := ring.SetAsideNewerIndex(cfg.Storage.Path)
		if err != nil {
			return fmt.Errorf("storage: --new-index: %w", err)
		}
		if aside != "" {
			log.Warn("storage: index of a newer firmware set aside; rebuilding from the slots", "kept_as", aside)
		}
	}
	store, err := openStorage(cfg.Storage, log, nil)
	if err != nil {
		return err
	}
	// An existing volume keeps the slot count it was formatted with,
	// whatever the config now says.
	if slots, need := store.Stats().Slots, len(cfg.Cameras)+2; slots < need {
		store.Close()
		return fmt.Errorf("storage: %s has %d slots: %d cameras need at least %d (one each, plus two to rotate); reformat it larger or with smaller slots", cfg.Storage.Path, slots, len(cfg.Cameras), need)
	}
	vol := volume.New(store, volume.Options{Logger: log, Ring: ringOptions(log), PowerCycle: diskPowerCycle(hw)})
	a := &App{cfg: cfg, log: log, started: time.Now(), byID: map[string]*camera{}, store: vol, addr: ln.Addr()}
	for _, cc := range cfg.Cameras {
		c := newCamera(cc, log)
		a.cams = append(a.cams, c)
		a.byID[cc.ID] = c
	}

	// The ring outlives the cameras: it stops only after every recorder
	// loop has handed over its last GOP.
	storeCtx, stopStore := context.WithCancel(context.Background())
	defer stopStore()
	storeDone := make(chan error, 1)
	go func() { storeDone <- vol.Run(storeCtx) }()

	camCtx, stopCams := context.WithCancel(ctx)
	defer stopCams()
	var wg sync.WaitGroup
	for _, c := range a.cams {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := c.ingest.Run(camCtx); err != nil && !errors.Is(err, context.Canceled) {
				c.log.Error("ingest stopped", "err", err)
			}
		}()
		go func() {
			defer wg.Done()
			c.record(camCtx, vol)
		}()
		if c.subIngest != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.subIngest.Run(camCtx); err != nil && !errors.Is(err, context.Canceled) {
					c.log.Error("sub stream ingest stopped", "err", err)
				}
			}()
		}
	}

	a.startDiskHealth(camCtx, &wg)
	fp := a.startPanel(camCtx, hw, &wg)
	a.startRTSP(camCtx, &wg)
	lv := a.startLive(camCtx, &wg)
	upd := a.startUpdate(camCtx, &wg)
	web := webui.New(webui.Options{Status: a, Recordings: a, Events: a, Logger: log, Board: panelAPI{fp}, Live: lv, Updater: upd})
	webDone := make(chan error, 1)
	go func() { webDone <- web.Serve(camCtx, ln) }()
	log.Info("box running", "id", cfg.Box.ID, "cameras", len(a.cams), "http", ln.Addr().String())
	if opt.Ready != nil {
		opt.Ready(a)
	}

	var webErr error
	select {
	case <-ctx.Done():
	case webErr = <-webDone:
		webDone <- webErr
	}
	log.Info("box stopping")
	stopCams()
	wg.Wait()
	webErr = <-webDone
	stopStore()
	runErr := <-storeDone
	log.Info("box stopped") // the supervisor closed the store as its Run returned
	return errors.Join(webErr, ignoreCanceled(runErr))
}

func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

package live

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// offered is one video payload type of a browser's offer.
type offered struct {
	pt     uint8
	mime   string // "H264" or "H265", upper case
	fmtp   string
	params map[string]string
	fb     []string // rtcp-fb values, e.g. "nack pli"
}

// errBadOffer marks an offer that is not usable SDP (answered 400).
var errBadOffer = errors.New("malformed SDP offer")

// errNoVideo marks well-formed SDP that cannot take our video: no video
// section, or one the browser only sends on (answered 422, not 400, since
// the SDP itself is fine).
var errNoVideo = errors.New("offer must receive video")

// parseOffer reads the H.264/H.265 payload types of the offer's first
// video section.
func parseOffer(body []byte) ([]offered, error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, fmt.Errorf("%w: empty SDP offer", errBadOffer)
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadOffer, err)
	}
	for _, md := range sd.MediaDescriptions {
		if md.MediaName.Media != "video" {
			continue
		}
		// A media-level direction overrides the session-level one; none
		// at all means sendrecv (RFC 4566 6).
		dir := direction(md.Attributes)
		if dir == "" {
			dir = direction(sd.Attributes)
		}
		if dir == "sendonly" || dir == "inactive" {
			return nil, fmt.Errorf("%w: its video section is a=%s", errNoVideo, dir)
		}
		byPT := map[uint8]*offered{}
		var order []uint8
		for _, a := range md.Attributes {
			pt, rest, ok := ptAttr(a.Value)
			if !ok {
				continue
			}
			o := byPT[pt]
			if o == nil {
				o = &offered{pt: pt, params: map[string]string{}}
				byPT[pt] = o
				order = append(order, pt)
			}
			switch a.Key {
			case "rtpmap":
				name, _, _ := strings.Cut(rest, "/")
				o.mime = strings.ToUpper(name)
			case "fmtp":
				o.fmtp = rest
				for _, kv := range strings.Split(rest, ";") {
					k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
					o.params[strings.ToLower(k)] = v
				}
			case "rtcp-fb":
				o.fb = append(o.fb, rest)
			}
		}
		var out []offered
		for _, pt := range order {
			if o := byPT[pt]; o.mime == "H264" || o.mime == "H265" {
				out = append(out, *o)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: it has no video section (m=video)", errNoVideo)
}

// direction returns the last direction attribute among attrs, or "".
func direction(attrs []sdp.Attribute) string {
	dir := ""
	for _, a := range attrs {
		switch a.Key {
		case "sendrecv", "sendonly", "recvonly", "inactive":
			dir = a.Key
		}
	}
	return dir
}

// ptAttr splits "96 H264/90000" into 96 and "H264/90000".
func ptAttr(v string) (uint8, string, bool) {
	head, rest, ok := strings.Cut(v, " ")
	if !ok {
		return 0, "", false
	}
	n, err := strconv.ParseUint(head, 10, 8)
	if err != nil {
		return 0, "", false
	}
	return uint8(n), strings.TrimSpace(rest), true
}

// chooseH264 picks the offered H.264 format to answer with. Only
// packetization-mode=1 can carry FU-A fragments. A format of the stream's
// own profile is best; otherwise any: browsers offering only Constrained
// Baseline (42e01f) still decode Main/High with their software decoder,
// and the profile-level-id of an answer is not enforced on receive.
func chooseH264(offers []offered, sps []byte) (offered, bool) {
	var best offered
	found := false
	for _, o := range offers {
		if o.mime != "H264" || o.params["packetization-mode"] != "1" {
			continue
		}
		plid, err := hex.DecodeString(o.params["profile-level-id"])
		if err == nil && len(plid) == 3 && len(sps) > 1 && plid[0] == sps[1] {
			return o, true
		}
		if !found {
			best, found = o, true
		}
	}
	return best, found
}

// chooseH265 picks the first offered H.265 format.
func chooseH265(offers []offered) (offered, bool) {
	for _, o := range offers {
		if o.mime == "H265" {
			return o, true
		}
	}
	return offered{}, false
}

// hasCodec reports whether the offer carries mime at all.
func hasCodec(offers []offered, mime string) bool {
	for _, o := range offers {
		if o.mime == mime {
			return true
		}
	}
	return false
}

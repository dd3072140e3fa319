package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// evalInTab runs a JavaScript expression inside the tab's (cross-origin) frame, in an isolated
// world that shares its DOM, and decodes the result into out (nil to ignore it). Promises are awaited.
func evalInTab(t *testing.T, ctx context.Context, expr string, out any) {
	t.Helper()
	require.NoError(t, tryEvalInTab(ctx, expr, out), expr)
}

// tryEvalInTab is evalInTab that returns what went wrong (e.g. the frame navigated meanwhile).
func tryEvalInTab(ctx context.Context, expr string, out any) error {
	frame, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(`iframe#tab`)))
	if err != nil {
		return err
	}
	yes := true
	return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		world, err := cdp.Call(ctx, target, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame[0].FrameID, WorldName: "b24pay-test"})
		if err != nil {
			return err
		}
		res, err := cdp.Call(ctx, target, runtime.Evaluate, runtime.EvaluateParams{Expression: expr,
			ContextID: world.ExecutionContextID, ReturnByValue: &yes, AwaitPromise: &yes})
		switch {
		case err != nil:
			return err
		case res.ExceptionDetails != nil:
			return fmt.Errorf("%s: %s", res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
		case out == nil || res.Result == nil || len(res.Result.Value) == 0:
			return nil
		}
		return json.Unmarshal(res.Result.Value, out)
	}))
}

// waitInTab waits until cond holds in the frame's current page (across its navigations) and then
// decodes result into out.
func waitInTab(t *testing.T, ctx context.Context, cond, result string, out any) {
	t.Helper()
	require.Eventually(t, func() bool {
		var ok bool
		if tryEvalInTab(ctx, "!!("+cond+")", &ok) != nil || !ok {
			return false
		}
		return tryEvalInTab(ctx, result, out) == nil
	}, 15*time.Second, 25*time.Millisecond, cond)
}

// clickInTab clicks an element with the mouse (focus moves, blur and change fire as for a person).
func clickInTab(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), in)), sel)
}

// typeInTab replaces an input's value by typing, like a person would.
func typeInTab(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel, text string) {
	t.Helper()
	evalInTab(t, ctx, fmt.Sprintf(`(function(){var n=document.querySelector(%q);n.focus();n.select&&n.select();})()`, sel), nil)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), "\b"+text, in)), sel)
}

// choose picks a select's option and fires change, as a person's pick does.
func choose(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	evalInTab(t, ctx, fmt.Sprintf(`(function(){var n=document.querySelector(%q);n.value=%q;n.dispatchEvent(new Event('change',{bubbles:true}));})()`, sel, value), nil)
}

// textIn reads an element's visible text inside the tab.
func textIn(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), in))
	require.NoError(t, err, sel)
	return v
}

// shots keeps screenshots of the tab at the Bitrix24 slider's size (1000×800) and a phone's
// (390×844): the tab's frame is given that size alone on the page, as Bitrix24 would.
func shots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, size := range [][2]int64{{1000, 800}, {390, 844}} {
		w, h := size[0], size[1]
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(w, h)))
		_, err := chromedp.Run(ctx, chromedp.Evaluate[any](fmt.Sprintf(`(function(){document.querySelector('header').hidden=true;
			var f=document.getElementById('tab');f.style.margin='0';f.style.width='%dpx';f.style.height='%dpx';window.scrollTo(0,0);})()`, w, h)))
		require.NoError(t, err)
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		path := filepath.Join(artifactsDir(t), fmt.Sprintf("%s-%dx%d.png", strings.TrimSuffix(name, ".png"), w, h))
		require.NoError(t, os.WriteFile(path, shot, 0o644))
		t.Logf("screenshot: %s", path)
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.ResetViewport()))
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(function(){document.querySelector('header').hidden=false;
		var f=document.getElementById('tab');f.style.margin='';f.style.width='';f.style.height='';})()`))
	require.NoError(t, err)
}

// contrastJS computes, on the rendered tab, the WCAG contrast ratio of every visible element that
// holds text of its own (getComputedStyle colour against the first opaque background up the tree,
// disabled controls included) and returns those under 4.5:1.
const contrastJS = `(function(){
function rgb(s){var m=s.match(/[\d.]+/g)||[0,0,0,0];return {r:+m[0],g:+m[1],b:+m[2],a:m.length>3?+m[3]:1};}
function lum(c){return [c.r,c.g,c.b].map(function(v){v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4);})
  .reduce(function(s,v,i){return s+v*[0.2126,0.7152,0.0722][i];},0);}
function bg(n){for(;n&&n.nodeType===1;n=n.parentElement){var c=rgb(getComputedStyle(n).backgroundColor);if(c.a>0.5)return c;}return {r:255,g:255,b:255,a:1};}
var bad=[],checked=0;
document.querySelectorAll('body *').forEach(function(n){
  var own=/^(INPUT|SELECT|TEXTAREA)$/.test(n.tagName)&&n.type!=='checkbox'&&n.type!=='hidden'||
    Array.prototype.some.call(n.childNodes,function(c){return c.nodeType===3&&c.textContent.trim();});
  var box=n.getBoundingClientRect();
  if(!own||!box.width||getComputedStyle(n).visibility==='hidden'||n.closest('[hidden]'))return;
  var fg=rgb(getComputedStyle(n).color),b=bg(n),l1=lum(fg),l2=lum(b);
  var ratio=(Math.max(l1,l2)+0.05)/(Math.min(l1,l2)+0.05);checked++;
  if(ratio<4.5)bad.push(n.tagName.toLowerCase()+(n.id?'#'+n.id:'')+(n.className?'.'+String(n.className).replace(/ /g,'.'):'')+' «'+(n.value||n.textContent).trim().slice(0,30)+'» '+ratio.toFixed(2));
});
return {checked:checked,bad:bad};})()`

// requireContrast fails on any text of the tab's current state that is under 4.5:1.
func requireContrast(t *testing.T, ctx context.Context) {
	t.Helper()
	var res struct {
		Checked int      `json:"checked"`
		Bad     []string `json:"bad"`
	}
	evalInTab(t, ctx, contrastJS, &res)
	require.Positive(t, res.Checked)
	require.Empty(t, res.Bad, "text under 4.5:1 contrast")
	t.Logf("contrast: %d text elements at ≥ 4.5:1", res.Checked)
}

// labelsJS lists the visible controls of the tab without an accessible name: no aria-label, no
// aria-labelledby text, no <label> text of their own, and for buttons no text either (item 9).
const labelsJS = `(function(){var bad=[],checked=0;
document.querySelectorAll('input,select,textarea,button').forEach(function(n){
  if(n.type==='hidden'||n.closest('[hidden]')||!n.getBoundingClientRect().width)return;
  checked++;
  var name=(n.getAttribute('aria-label')||'').trim();
  if(!name&&n.getAttribute('aria-labelledby'))name=n.getAttribute('aria-labelledby').split(' ').map(function(id){
    var e=document.getElementById(id);return e?e.textContent:'';}).join(' ').trim();
  if(!name&&n.labels)name=Array.from(n.labels).map(function(l){return l.textContent.replace(n.textContent,'');}).join(' ').trim();
  if(!name&&n.tagName==='BUTTON')name=n.textContent.trim();
  if(!name)name=(n.title||'').trim();
  if(!name)bad.push(n.tagName.toLowerCase()+(n.id?'#'+n.id:'')+(n.name?'[name='+n.name+']':''));
});
return {checked:checked,bad:bad};})()`

// requireAccessible fails on any text of the tab's current state under 4.5:1 contrast and on any
// visible control without a label.
func requireAccessible(t *testing.T, ctx context.Context) {
	t.Helper()
	requireContrast(t, ctx)
	var res struct {
		Checked int      `json:"checked"`
		Bad     []string `json:"bad"`
	}
	evalInTab(t, ctx, labelsJS, &res)
	require.Positive(t, res.Checked)
	require.Empty(t, res.Bad, "controls without a label")
	t.Logf("labels: %d controls named", res.Checked)
}

/**
 * The customer's signature on the engineer's phone (issue 12): a canvas as wide as the screen
 * allows, drawn at the device's pixel ratio so the stroke stays sharp, read as a PNG data URL.
 * Resizing (turning the phone) clears it, as a stretched signature would not be the one drawn.
 */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import SignaturePad from 'signature_pad';

export interface SignaturePadHandle {
  clear(): void;
  isEmpty(): boolean;
  /** `data:image/png;base64,…` */
  toDataUrl(): string;
}

export function SignatureCanvas({ ref, onChange, label }: { ref?: Ref<SignaturePadHandle>; onChange?: (empty: boolean) => void; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useImperativeHandle(ref, () => ({
    clear: () => {
      pad.current?.clear();
      changed.current?.(true);
    },
    isEmpty: () => pad.current?.isEmpty() ?? true,
    toDataUrl: () => pad.current?.toDataURL('image/png') ?? '',
  }));

  useEffect(() => {
    const el = canvas.current;
    const container = box.current;
    if (!el || !container) return;
    const signature = new SignaturePad(el, { penColor: '#1f1f1f', minWidth: 1, maxWidth: 3 });
    pad.current = signature;
    const onEnd = () => changed.current?.(signature.isEmpty());
    signature.addEventListener('endStroke', onEnd);
    let width = 0;
    const size = () => {
      const w = Math.floor(container.clientWidth);
      if (!w || w === width) return;
      width = w;
      const height = Math.round(Math.min(260, Math.max(160, window.innerHeight * 0.3)));
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      el.width = w * ratio;
      el.height = height * ratio;
      el.style.height = `${height}px`;
      el.getContext('2d')?.scale(ratio, ratio);
      signature.clear();
      changed.current?.(true);
    };
    size();
    const observer = new ResizeObserver(size);
    observer.observe(container);
    return () => {
      observer.disconnect();
      signature.removeEventListener('endStroke', onEnd);
      signature.off();
      pad.current = null;
    };
  }, []);

  return (
    <div ref={box} className="signature-box">
      <canvas ref={canvas} data-testid="signature-canvas" aria-label={label} role="img" />
    </div>
  );
}
